-- One row per experiment x analysed unit (exposed in exactly one variant, first inside
-- [started_at, ended_at): experiment_units_to_sum()): each activity
-- measure of the unit's domain summed over its analysis window ([first_exposed_at,
-- window_end_at)) and its CUPED pre-period ([pre_period_start_at, started_at)), 0 without
-- activity; int_experiment_unit_metrics_computed turns them into metric values.
-- Incremental on DuckDB (docs/incremental.md, "Experiment unit sums"): each sum is also kept
-- for the days before settled_before (the *_settled columns). A run sums again only the
-- days from the previous settled_before on for the units whose settled part still holds
-- (unit_settled_sums_hold()), every day for the others (new units, moved boundaries), and
-- moves settled_before to the earliest day of an activity row that landed inside the
-- lookback window. The run's rows replace the whole table: units leave it (a second
-- variant seen), and every running experiment's window grows each day.
-- Spark: a table summed in full on every run.
{{ config(**unit_activity_config()) }}

{%- set incremental = is_incremental() -%}
{%- set lookback_days = var('incremental_lookback_days', 3) -%}
{%- set ts = dbt.type_timestamp() -%}
{#- each activity CTE below, its measures and the units it sums for -#}
{%- set measures_by_activity = [
    ['app', ['watch_seconds', 'video_views', 'app_opens', 'likes']],
    ['ad', ['impressions', 'clicks']],
    ['report', ['reports']],
    ['labeling', ['submissions', 'gold_submissions', 'gold_correct']],
    ['creator', ['views_received']]
] -%}
{%- set measures = dict(measures_by_activity) -%}
{%- set unit_of_activity = {'app': 'user', 'ad': 'user', 'report': 'user',
                            'labeling': 'labeler', 'creator': 'creator'} -%}
{#- the output sums, [activity, column], and what a unit adds to each from its kept
    settled part (nothing on a full build; null, i.e. 0, for a unit that keeps none) -#}
{%- set sum_columns = [] -%}
{%- set kept = {} -%}
{%- for domain, domain_measures in measures_by_activity -%}
    {%- for measure in domain_measures -%}
        {%- for part in ['in_window', 'pre_period'] -%}
            {%- do sum_columns.append([domain, measure ~ '_' ~ part]) -%}
            {%- do kept.update({measure ~ '_' ~ part: 'coalesce(previous.' ~ measure ~ '_' ~ part ~ '_settled, 0) + '
                                if incremental else ''}) -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endfor -%}

{#- the split: the days before settled_before are settled, kept by the next run. It is the
    earliest day of an activity row that landed inside the lookback window counted back from
    the newest landing now (a full build and an incremental run of the same data agree). -#}
{#- read once into constants on an incremental run; subqueries otherwise (a full build may
    be compiled, by dbt compile or sqlfluff, before the tables they read exist) -#}
{%- set loaded_through = value_read_once('select ' ~ experiment_activity_loaded_through(), ts, incremental) -%}
{%- set split = 'coalesce(' ~ value_read_once(earliest_experiment_activity_day(
        dbt.dateadd('day', -1 * lookback_days, loaded_through)), 'date', incremental)
        ~ ", cast('1900-01-01' as date))" -%}
{%- if incremental -%}
    {#- the previous run's settled days still hold when every row that landed since its
        window began (its watermark minus the lookback) is for a later day; otherwise every
        unit is summed in full -#}
    {%- set previous_split = value_read_once('select max(settled_before) from ' ~ this, 'date') -%}
    {%- set changed_after = dbt.dateadd('day', -1 * lookback_days,
                                        value_read_once('select max(activity_loaded_through) from ' ~ this, ts)) -%}
    {%- set earliest_changed = value_read_once(earliest_experiment_activity_day(changed_after), 'date') -%}
    {%- set reusable = 'coalesce(' ~ previous_split ~ ' <= least(' ~ split ~ ', coalesce(' ~ earliest_changed
                       ~ ', ' ~ split ~ ')), false)' -%}
{%- endif -%}

{#- the units with the day their sums are read from (null: every day) -#}
{%- set units_sql = experiment_units_to_sum(previous_split if incremental else none,
                                            reusable if incremental else none) -%}

{#- lower bounds of the days read, as constants (the scans then skip older row groups):
    rows_from for the activity rows (cut days), days_from for the day totals -#}
{%- set rows_from, days_from, kept_from = none, none, none -%}
{%- if incremental and evaluated_once() -%}
    {%- set bounds = run_query(unit_read_bounds(units_sql)).rows[0] -%}
    {%- set rows_from = "cast('" ~ bounds[0] ~ "' as date)" if bounds[0] is not none else none -%}
    {%- set days_from = "cast('" ~ bounds[1] ~ "' as date)" if bounds[1] is not none else none -%}
    {%- set kept_from = "cast('" ~ bounds[4] ~ "' as date)" if bounds[4] is not none else none -%}
    {{ log(this.identifier ~ ': ' ~ bounds[2] ~ ' of ' ~ bounds[3] ~ ' units keep their sums'
           ~ (' before ' ~ bounds[4] if bounds[4] is not none else '') ~ '; activity rows read from '
           ~ (bounds[0] or 'the first day') ~ ', day totals from ' ~ (bounds[1] or 'the first day'), info=true) }}
{%- endif %}
{#- what every activity's sums take: the split and the bounds of the days read -#}
{%- set read_days = {'split': split, 'rows_from': rows_from, 'days_from': days_from, 'kept_from': kept_from} %}

with

units as {{ materialized() }} (

    {{ units_sql | indent(4) }}

),

events as {{ not_materialized() }} (

    select * from {{ ref('stg_app__events') }}

),

user_units as (

    select * from units
    where randomization_unit = 'user'

),

-- Each domain's activity, one row per unit's key and timestamp with what it counts;
-- unit_interval_sums() sums it over each unit's window and pre-period.
app_events_counted as (

    select
        user_id,
        event_at,
        case when event_type = 'video_view' then coalesce(cast(watch_seconds as double), 0) else 0 end
            as watch_seconds,
        case when event_type = 'video_view' then 1 else 0 end as video_views,
        case when event_type = 'app_open' then 1 else 0 end as app_opens,
        case when event_type = 'like' then 1 else 0 end as likes
    from events
    where event_type in ('video_view', 'app_open', 'like')

),

-- the same sums per user and day: int_user_days_aggregated has them (incremental), so only
-- the days a unit's boundaries cut read the events
app_days as (

    select
        user_id as activity_key,
        activity_date,
        watch_seconds,
        video_view_count as video_views,
        app_open_count as app_opens,
        like_count as likes
    from {{ ref('int_user_days_aggregated') }}
    where dimension_name = 'all'

),

app_activity as (

    {{ unit_interval_sums('user_units', 'app_events_counted', 'user_id', 'event_at',
                          measures['app'],
                          activity_days='app_days', **read_days) | indent(4) }}

),

-- clicks counted per impression first: a group by over the clicks, not over every impression
clicks_per_impression as (

    select
        impression_id,
        count(*) as clicks
    from {{ ref('stg_ads__clicks') }}
    group by impression_id

),

impressions_counted as (

    select
        impressions.user_id,
        impressions.shown_at,
        1 as impressions,
        coalesce(clicks_per_impression.clicks, 0) as clicks
    from {{ ref('stg_ads__impressions') }} as impressions
    left join clicks_per_impression
        on impressions.impression_id = clicks_per_impression.impression_id

),

ad_activity as (

    {{ unit_interval_sums('user_units', 'impressions_counted', 'user_id', 'shown_at',
                          measures['ad'], **read_days) | indent(4) }}

),

reports_counted as (

    select
        reporter_user_id,
        reported_at,
        1 as reports
    from {{ ref('stg_trust_safety__reports') }}

),

report_activity as (

    {{ unit_interval_sums('user_units', 'reports_counted', 'reporter_user_id', 'reported_at',
                          measures['report'], **read_days) | indent(4) }}

),

labeler_units as (

    select * from units
    where randomization_unit = 'labeler'

),

submissions_counted as (

    select
        submissions.labeler_id,
        submissions.submitted_at,
        1 as submissions,
        case when labeling_tasks.is_gold then 1 else 0 end as gold_submissions,
        case
            when labeling_tasks.is_gold and submissions.answer = labeling_tasks.gold_answer then 1
            else 0
        end as gold_correct
    from {{ ref('stg_labeling__submissions') }} as submissions
    left join {{ ref('stg_labeling__tasks') }} as labeling_tasks
        on submissions.task_id = labeling_tasks.task_id
    where not submissions.is_skipped

),

labeling_activity as (

    {{ unit_interval_sums('labeler_units', 'submissions_counted', 'labeler_id', 'submitted_at',
                          measures['labeling'], **read_days) | indent(4) }}

),

creator_units as (

    select * from units
    where randomization_unit = 'creator'

),

views_received_counted as (

    select
        videos.creator_id,
        events.event_at,
        1 as views_received
    from events
    inner join {{ ref('stg_app__videos') }} as videos
        on events.video_id = videos.video_id
    where events.event_type = 'video_view'

),

-- the same per creator and day: int_creator_days_aggregated has them (incremental)
creator_days as (

    select
        user_id as activity_key,
        activity_date,
        video_views as views_received
    from {{ ref('int_creator_days_aggregated') }}

),

creator_activity as (

    {{ unit_interval_sums('creator_units', 'views_received_counted', 'creator_id', 'event_at',
                          measures['creator'],
                          activity_days='creator_days', **read_days) | indent(4) }}

),

final as (

    select
        units.experiment_id,
        units.unit_id,
        units.randomization_unit,
        units.pre_period_start_at,
        units.started_at,
        units.first_exposed_at,
        units.window_end_at,
        {%- for domain, column in sum_columns %}
            case
                when units.randomization_unit = '{{ unit_of_activity[domain] }}'
                    then cast({{ kept[column] }}coalesce({{ domain }}_activity.{{ column }}, 0) as double)
            end as {{ column }},
            case
                when units.randomization_unit = '{{ unit_of_activity[domain] }}'
                    then cast({{ kept[column] }}coalesce({{ domain }}_activity.{{ column }}_before_split, 0) as double)
            end as {{ column }}_settled,
        {%- endfor %}
        {{ split }} as settled_before,
        {{ loaded_through }} as activity_loaded_through
    from units
    {%- for domain, domain_measures in measures_by_activity %}
    left join {{ domain }}_activity
        on units.experiment_id = {{ domain }}_activity.experiment_id
            and units.unit_id = {{ domain }}_activity.unit_id
    {%- endfor %}
    {%- if incremental %}
    left join {{ this }} as previous
        on units.read_from_date is not null
            and units.experiment_id = previous.experiment_id
            and units.unit_id = previous.unit_id
    {%- endif %}

)

select * from final
