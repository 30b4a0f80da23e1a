-- One row per experiment x analysed unit (exposed in exactly one variant, first exposed inside
-- [started_at, ended_at)): each activity measure of the unit's domain summed over its analysis
-- window ([first_exposed_at, window_end_at)) and its CUPED pre-period
-- ([pre_period_start_at, started_at)), 0 without activity, with the unit's variant, domain and
-- segments; int_experiment_unit_metrics_computed turns them into metric values (it reads the
-- analysed units from here only). The sums add up the unit's day rows of
-- int_experiment_unit_days_aggregated (the incremental base, whose days cut by a boundary
-- already hold only their part inside it); the window keeps the days that begin before
-- window_end_at, the end of data.
{{ config(materialized='table') }}
{%- set ts = dbt.type_timestamp() -%}
{#- the measures each kind of unit has (null for the others) -#}
{%- set measures_by_unit = [
    ['user', ['watch_seconds', 'video_views', 'app_opens', 'likes', 'impressions', 'clicks', 'reports']],
    ['labeler', ['submissions', 'gold_submissions', 'gold_correct']],
    ['creator', ['views_received']]
] -%}
{%- set unit_measures = [] -%}
{%- for unit, measures in measures_by_unit -%}
    {%- for measure in measures -%}
        {%- do unit_measures.append([unit, measure]) -%}
    {%- endfor -%}
{%- endfor %}

with

analysed_units as (

    select * from {{ ref('int_experiment_exposures_deduplicated') }}
    where not is_in_multiple_variants and not is_outside_window

),

unit_days as (

    select * from {{ ref('int_experiment_unit_days_aggregated') }}

),

summed as (

    select
        {%- for unit, measure in unit_measures %}
            sum(case
                when cast(unit_days.activity_date as {{ ts }}) < analysed_units.window_end_at
                    then unit_days.{{ measure }}_in_window
                else 0
            end) as {{ measure }}_in_window,
            sum(unit_days.{{ measure }}_pre_period) as {{ measure }}_pre_period,
        {%- endfor %}
        unit_days.experiment_id,
        unit_days.unit_id
    from unit_days
    inner join analysed_units
        on unit_days.experiment_id = analysed_units.experiment_id
            and unit_days.unit_id = analysed_units.unit_id
    group by unit_days.experiment_id, unit_days.unit_id

),

final as (

    select
        analysed_units.experiment_id,
        analysed_units.unit_id,
        analysed_units.randomization_unit,
        analysed_units.variant,
        analysed_units.is_control,
        analysed_units.experiment_domain,
        analysed_units.primary_metric,
        analysed_units.country,
        analysed_units.platform,
        analysed_units.tier,
        analysed_units.pre_period_start_at,
        analysed_units.started_at,
        analysed_units.first_exposed_at,
        {%- for unit, measure in unit_measures %}
            {%- for part in ['in_window', 'pre_period'] %}
                case
                    when analysed_units.randomization_unit = '{{ unit }}'
                        then cast(coalesce(summed.{{ measure }}_{{ part }}, 0) as double)
                end as {{ measure }}_{{ part }},
            {%- endfor %}
        {%- endfor %}
        analysed_units.window_end_at
    from analysed_units
    left join summed
        on analysed_units.experiment_id = summed.experiment_id
            and analysed_units.unit_id = summed.unit_id

)

select * from final
