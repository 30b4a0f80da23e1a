-- One row per platform experiment x metric x variant x analysis day (segment all): the arm's
-- sufficient statistics at the end of the day, with the units first exposed by then and their
-- activity up to then: n, sum Y, sum N, sum Y^2, sum N^2, sum YN of the units' totals since
-- exposure (fct_experiment_results_daily turns them into results).
-- It scales with unit-days, not units x days: each unit's day rows of the incremental base
-- (int_experiment_unit_days_aggregated) become the increments of the arm's sums that day (when a
-- unit's total grows from p to p + a, sum Y^2 grows by a (2 (p + a) - a)); a running sum over the
-- days then gives each day's sums. A unit without activity adds only to n, on its exposure day.
-- A table: the mart reads it twice (treatment and control).
{{ config(materialized='table') }}
{%- set ts = dbt.type_timestamp() %}
{%- set sums = ['units', 'sum_value', 'sum_denominator', 'sum_value_squared', 'sum_denominator_squared',
                'sum_value_denominator'] %}
{%- set measures = experiment_metric_measure_names() %}
{%- set unit_to_date -%}
    partition by analysed_units.experiment_id, unit_days.unit_id
    order by unit_days.activity_date asc nulls last
    rows between unbounded preceding and current row
{%- endset %}
with

analysed_units as (

    select * from {{ ref('int_experiment_unit_activity_summed') }}

),

unit_days as (

    select * from {{ ref('int_experiment_unit_days_aggregated') }}

),

-- the arms of each platform metric (segment all; not the quantile metrics), with the metric's kind and role
arms as (

    select
        experiment_id,
        metric_name,
        variant,
        is_control,
        metric_kind,
        metric_role,
        preferred_direction
    from {{ ref('int_experiment_arm_statistics_aggregated') }}
    -- a quantile metric is not a sum of unit-days: the daily mart leaves it out
    where segment_name = 'all' and data_source = 'platform' and metric_kind <> 'quantile'

),

spine_days as (

    select * from {{ ref('metricflow_time_spine') }}

),

-- the analysis days: from the start to the last day that begins before the window's end
-- (the same days int_experiment_unit_activity_summed adds up)
experiment_days as (

    select
        experiment_windows.experiment_id,
        spine_days.date_day as analysis_date
    from (
        select
            experiment_id,
            min(started_at) as started_at,
            max(window_end_at) as window_end_at
        from analysed_units
        group by experiment_id
    ) as experiment_windows
    inner join spine_days
        on spine_days.date_day >= cast(experiment_windows.started_at as date)
            and cast(spine_days.date_day as {{ ts }}) < experiment_windows.window_end_at

),

-- each analysed unit's day rows inside its window, with every measure's day part and its total
-- to date: one running sum per measure over the unit's days, before the metrics fan the rows out
unit_measure_days as (

    select
        analysed_units.experiment_id,
        analysed_units.variant,
        unit_days.unit_id,
        unit_days.activity_date,
        {%- for measure in measures %}
            unit_days.{{ measure }}_in_window as {{ measure }}_day,
            sum(unit_days.{{ measure }}_in_window) over ({{ unit_to_date }}) as {{ measure }}_to_date,
        {%- endfor %}
        count(*) over ({{ unit_to_date }}) as unit_days_to_date
    from unit_days
    inner join analysed_units
        on unit_days.experiment_id = analysed_units.experiment_id
            and unit_days.unit_id = analysed_units.unit_id
    where
        unit_days.activity_date >= cast(analysed_units.first_exposed_at as date)
        and cast(unit_days.activity_date as {{ ts }}) < analysed_units.window_end_at

),

-- the unit's totals up to the end of each of its days per metric: p + a, with a the day's part
-- and p the total before
unit_metric_running as (

    select
        arms.experiment_id,
        arms.metric_name,
        arms.variant,
        unit_measure_days.unit_id,
        unit_measure_days.activity_date,
        cast({{ experiment_metric_numerator('arms.metric_name', 'unit_measure_days', 'day') }} as double)
            as day_value,
        cast({{ experiment_metric_denominator('arms.metric_name', 'unit_measure_days', 'day') }} as double)
            as day_denominator,
        cast({{ experiment_metric_numerator('arms.metric_name', 'unit_measure_days', 'to_date') }} as double)
            as value_to_date,
        cast({{ experiment_metric_denominator('arms.metric_name', 'unit_measure_days', 'to_date',
                                              'unit_measure_days.unit_days_to_date') }} as double)
            as denominator_to_date
    from unit_measure_days
    inner join arms
        on unit_measure_days.experiment_id = arms.experiment_id
            and unit_measure_days.variant = arms.variant

),

-- what each day adds to the arm's sums: new units, and the growth of the units' totals
arm_day_increments as (

    select
        experiment_id,
        metric_name,
        variant,
        activity_date as analysis_date,
        0 as units,
        sum(day_value) as sum_value,
        sum(day_denominator) as sum_denominator,
        -- (p + a)^2 - p^2 = a (2 (p + a) - a)
        sum(day_value * (2.0e0 * value_to_date - day_value)) as sum_value_squared,
        sum(day_denominator * (2.0e0 * denominator_to_date - day_denominator)) as sum_denominator_squared,
        -- (p + a)(q + b) - p q = a (q + b) + (p + a) b - a b
        sum(
            day_value * denominator_to_date + value_to_date * day_denominator - day_value * day_denominator
        ) as sum_value_denominator
    from unit_metric_running
    group by experiment_id, metric_name, variant, activity_date
    union all
    select
        arms.experiment_id,
        arms.metric_name,
        arms.variant,
        cast(analysed_units.first_exposed_at as date) as analysis_date,
        count(*) as units,
        0.0e0 as sum_value,
        0.0e0 as sum_denominator,
        0.0e0 as sum_value_squared,
        0.0e0 as sum_denominator_squared,
        0.0e0 as sum_value_denominator
    from analysed_units
    inner join arms
        on analysed_units.experiment_id = arms.experiment_id
            and analysed_units.variant = arms.variant
    group by arms.experiment_id, arms.metric_name, arms.variant, cast(analysed_units.first_exposed_at as date)

),

arm_day_totals as (

    select
        experiment_id,
        metric_name,
        variant,
        {%- for column in sums %}
            sum({{ column }}) as {{ column }},
        {%- endfor %}
        analysis_date
    from arm_day_increments
    group by experiment_id, metric_name, variant, analysis_date

),

-- every arm on every analysis day, with the running sums up to the end of the day
arm_days as (

    select
        arms.*,
        {%- for column in sums %}
            sum(coalesce(arm_day_totals.{{ column }}, 0)) over (
                partition by arms.experiment_id, arms.metric_name, arms.variant
                order by experiment_days.analysis_date asc nulls last
                rows between unbounded preceding and current row
            ) as {{ column }},
        {%- endfor %}
        experiment_days.analysis_date
    from arms
    inner join experiment_days
        on arms.experiment_id = experiment_days.experiment_id
    left join arm_day_totals
        on arms.experiment_id = arm_day_totals.experiment_id
            and arms.metric_name = arm_day_totals.metric_name
            and arms.variant = arm_day_totals.variant
            and experiment_days.analysis_date = arm_day_totals.analysis_date

),

final as (

    select
        experiment_id,
        metric_name,
        variant,
        is_control,
        metric_kind,
        metric_role,
        preferred_direction,
        {%- for column in sums[1:] %}
            cast({{ column }} as double) as {{ column }},
        {%- endfor %}
        cast(units as {{ dbt.type_bigint() }}) as units,
        cast(analysis_date as date) as analysis_date
    from arm_days

)

select * from final
