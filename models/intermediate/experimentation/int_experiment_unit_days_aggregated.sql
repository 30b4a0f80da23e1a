-- One row per experiment x exposed unit x UTC activity day in its pre-period or analysis
-- window: the unit's activity of that day summed into the part inside its window
-- (<measure>_in_window) and inside its CUPED pre-period (<measure>_pre_period).
-- The window part of a day is its activity at or after first_exposed_at and before
-- window_closes_at (the experiment's ended_at, or an end of data off midnight): the end of data
-- at midnight is left to the readers, who keep the days before window_end_at
-- (int_experiment_unit_activity_summed), so a row does not change when the data grows by a day.
-- A day that one of the unit's boundaries cuts (off midnight: the exposure day, always) holds
-- only the part of the day on each side, placed row by row; the other days count whole.
-- Incremental on DuckDB (docs/incremental.md, "Experiment unit sums"): a row depends on the
-- day's activity and on the unit's first exposure only, so a run rebuilds every unit on the
-- days of activity rows that landed inside the lookback window, and every day of the units
-- whose first exposure landed inside it (new units, an earlier exposure landing late).
-- Rows are only ever added or grown, so delete+insert on the row's key keeps a day-by-day
-- run equal to a full build. Spark: a table built in full on every run.
{{ config(
    materialized='table' if target.type == 'spark' else 'incremental',
    incremental_strategy='delete+insert',
    unique_key=['experiment_id', 'unit_id', 'activity_date'],
    on_schema_change='fail',
    meta={'recent_rows_column': 'max_loaded_at'}
) }}
{%- set ts = dbt.type_timestamp() -%}
{%- set measures = ['watch_seconds', 'video_views', 'app_opens', 'likes', 'impressions', 'clicks',
                    'reports', 'submissions', 'gold_submissions', 'gold_correct', 'views_received'] -%}
{#- each activity: the kind of unit it counts for, its rows (CTEs below) and measures -#}
{%- set row_activities = [
    ['app', 'user', 'app_events_counted', ['watch_seconds', 'video_views', 'app_opens', 'likes']],
    ['ad', 'user', 'impressions_counted', ['impressions', 'clicks']],
    ['report', 'user', 'reports_counted', ['reports']],
    ['labeling', 'labeler', 'submissions_counted', ['submissions', 'gold_submissions', 'gold_correct']],
    ['creator', 'creator', 'views_received_counted', ['views_received']]
] -%}
{#- the day totals: two incremental day tables, and the other activities' rows summed -#}
{%- set day_activities = [
    ["'user'", 'app_days', ['watch_seconds', 'video_views', 'app_opens', 'likes']],
    ["'creator'", 'creator_days', ['views_received']],
    ['unit_kind', 'row_activity_days', measures]
] -%}
{#- read on incremental runs only; a ref outside the condition, so that dbt sees it -#}
{%- set exposures = ref('stg_experimentation__exposures') -%}
{%- if is_incremental() -%}
    {%- set landed_after = incremental_lookback_start('max_loaded_at') -%}
    {#- the days whose activity changed: a row landed that counts on them (a click counts on
        its impression's day), read once into constants -#}
    {%- set landed_days_query -%}
        select cast(event_at as date) from {{ ref('stg_app__events') }} where _loaded_at > {{ landed_after }}
        union
        select cast(shown_at as date) from {{ ref('stg_ads__impressions') }} where _loaded_at > {{ landed_after }}
        union
        select cast(impressions.shown_at as date)
        from {{ ref('stg_ads__clicks') }} as clicks
        inner join {{ ref('stg_ads__impressions') }} as impressions
            on clicks.impression_id = impressions.impression_id
        where clicks._loaded_at > {{ landed_after }}
        union
        select cast(reported_at as date) from {{ ref('stg_trust_safety__reports') }} where _loaded_at > {{ landed_after }}
        union
        select cast(submitted_at as date) from {{ ref('stg_labeling__submissions') }} where _loaded_at > {{ landed_after }}
    {%- endset -%}
    {%- set landed_days = days_read_once(landed_days_query) -%}
{%- else -%}
    {%- set landed_days = none -%}
{%- endif -%}
{#- the units (every exposed unit: the analysis filters are the readers'), with the end of
    the window a day row applies: the end of data only when off midnight (then fixed by var
    experiment_data_end_at, or ended_at), else ended_at (null: open); is_rebuilt: all its days
    are built (a full build: every unit) -#}
{%- set units_sql -%}
    select
        exposed.experiment_id,
        exposed.unit_id,
        exposed.randomization_unit,
        exposed.pre_period_start_at,
        exposed.started_at,
        exposed.first_exposed_at,
        case
            when exposed.window_end_at <> cast(cast(exposed.window_end_at as date) as {{ ts }})
                then exposed.window_end_at
            else experiments.ended_at
        end as window_closes_at,
        {% if is_incremental() %}
            -- the first exposure landed inside the window: a new unit, or one exposed earlier than known
            exists (
                select 1
                from {{ exposures }} as landed
                where
                    landed._loaded_at > {{ landed_after }}
                    and landed.experiment_id = exposed.experiment_id
                    and landed.unit_id = exposed.unit_id
                    and landed.exposed_at = exposed.first_exposed_at
            ) as is_rebuilt
        {% else %}
            true as is_rebuilt
        {% endif %}
    from {{ ref('int_experiment_exposures_deduplicated') }} as exposed
    inner join {{ ref('stg_experimentation__experiments') }} as experiments
        on exposed.experiment_id = experiments.experiment_id
{%- endset -%}
{#- the earliest cut day built, a constant when dbt executes: the scan of the activity rows
    skips older row groups -#}
{%- set rows_from = value_read_once('with units as (' ~ units_sql ~ ') select min(activity_date) from ('
                                    ~ unit_cut_days('units', landed_days) ~ ') as cut_days', 'date')
                    if is_incremental() else none %}

with

units as (

    {{ units_sql | indent(4) }}

),

cut_days as (

    {{ unit_cut_days('units', landed_days) | indent(4) }}

),

events as {{ not_materialized() }} (

    select * from {{ ref('stg_app__events') }}
    where event_type in ('video_view', 'app_open', 'like')

),

-- Each activity, one row per key and timestamp with what it counts
app_events_counted as (

    select
        user_id as activity_key,
        event_at as activity_at,
        case when event_type = 'video_view' then coalesce(watch_seconds, 0) else 0 end as watch_seconds,
        case when event_type = 'video_view' then 1 else 0 end as video_views,
        case when event_type = 'app_open' then 1 else 0 end as app_opens,
        case when event_type = 'like' then 1 else 0 end as likes,
        _loaded_at
    from events

),

-- clicks counted per impression first: a group by over the clicks, not every impression
clicks_per_impression as (

    select
        impression_id,
        count(*) as clicks,
        max(_loaded_at) as max_loaded_at
    from {{ ref('stg_ads__clicks') }}
    group by impression_id

),

impressions_counted as (

    select
        impressions.user_id as activity_key,
        impressions.shown_at as activity_at,
        1 as impressions,
        coalesce(clicks_per_impression.clicks, 0) as clicks,
        greatest(impressions._loaded_at, coalesce(clicks_per_impression.max_loaded_at, impressions._loaded_at))
            as _loaded_at
    from {{ ref('stg_ads__impressions') }} as impressions
    left join clicks_per_impression
        on impressions.impression_id = clicks_per_impression.impression_id

),

reports_counted as (

    select
        reporter_user_id as activity_key,
        reported_at as activity_at,
        1 as reports,
        _loaded_at
    from {{ ref('stg_trust_safety__reports') }}

),

submissions_counted as (

    select
        submissions.labeler_id as activity_key,
        submissions.submitted_at as activity_at,
        1 as submissions,
        case when labeling_tasks.is_gold then 1 else 0 end as gold_submissions,
        case
            when labeling_tasks.is_gold and submissions.answer = labeling_tasks.gold_answer then 1
            else 0
        end as gold_correct,
        submissions._loaded_at
    from {{ ref('stg_labeling__submissions') }} as submissions
    left join {{ ref('stg_labeling__tasks') }} as labeling_tasks
        on submissions.task_id = labeling_tasks.task_id
    where not submissions.is_skipped

),

views_received_counted as (

    select
        videos.creator_id as activity_key,
        events.event_at as activity_at,
        1 as views_received,
        events._loaded_at
    from events
    inner join {{ ref('stg_app__videos') }} as videos
        on events.video_id = videos.video_id
    where events.event_type = 'video_view'

),

-- the app's and the creators' day totals: their incremental day tables
app_days as (

    select
        user_id as activity_key,
        activity_date,
        watch_seconds,
        video_view_count as video_views,
        app_open_count as app_opens,
        like_count as likes,
        max_loaded_at
    from {{ ref('int_user_days_aggregated') }}
    where dimension_name = 'all'

),

creator_days as (

    select
        user_id as activity_key,
        activity_date,
        video_views as views_received,
        max_loaded_at
    from {{ ref('int_creator_days_aggregated') }}

),

-- All activity rows in one shape (the measures of other activities 0), read row by row on
-- the days a boundary cuts
activity_rows as {{ not_materialized() }} (

    {% for activity, unit_kind, relation, own in row_activities %}
        select
            '{{ activity }}' as activity,
            '{{ unit_kind }}' as unit_kind,
            activity_key,
            activity_at,
            {%- for measure in measures %}
                cast({{ measure if measure in own else 0 }} as double) as {{ measure }},
            {%- endfor %}
            _loaded_at
        from {{ relation }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

-- the day totals of the activities without a day table (app_days, creator_days)
row_activity_days as (

    select
        unit_kind,
        activity_key,
        cast(activity_at as date) as activity_date,
        {%- for measure in measures %}
            sum({{ measure }}) as {{ measure }},
        {%- endfor %}
        max(_loaded_at) as max_loaded_at
    from activity_rows
    where activity not in ('app', 'creator')
    group by unit_kind, activity_key, cast(activity_at as date)

),

activity_days as (

    {% for unit_kind, relation, own in day_activities %}
        select
            {{ unit_kind }} as unit_kind,
            activity_key,
            activity_date,
            {%- for measure in measures %}
                cast({{ measure if measure in own else 0 }} as double) as {{ measure }},
            {%- endfor %}
            max_loaded_at
        from {{ relation }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    {{ unit_day_sums('units', 'cut_days', 'activity_rows', 'activity_days', measures, landed_days, rows_from)
       | indent(4) }}

)

select * from final
