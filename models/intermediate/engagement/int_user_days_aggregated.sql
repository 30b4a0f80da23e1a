-- One row per user × UTC activity day × slice (dimension_name,
-- dimension_value): the user's activity on that day within that slice.
-- Slices: all/all, the event's country and platform (a user who switches
-- country within a day is active in both), and the user's age band and
-- acquisition channel. Every engagement metric by slice is built from this
-- one long table, so the slicing logic lives in one place.
-- Incremental (docs/incremental.md): a run rebuilds only the activity days
-- of events that landed inside the lookback window before the newest
-- max_loaded_at already in the table; a user-day depends on that day's
-- events only (a session crossing midnight counts on both days either way).
{{ config(**affected_days_config('activity_date')) }}

with

events as (

    select * from {{ ref('int_app_events_sessionized') }}
    {% if is_incremental() %}
        where event_date in (
            select distinct cast(event_at as date)
            from {{ ref('int_app_events_sessionized') }}
            where _loaded_at > {{ incremental_lookback_start('max_loaded_at') }}
        )
    {% endif %}

),

users as (

    select * from {{ ref('stg_app__users') }}

),

-- the events rolled up to user x day x event country x event platform x
-- session first: every slice below is a union of these groups, so the
-- slicing works on about one row per session instead of five per event
session_parts as (

    select
        user_id,
        event_date as activity_date,
        coalesce(country, 'unknown') as event_country,
        coalesce(platform, 'unknown') as event_platform,
        session_id,
        count(*) as event_count,
        sum(case when event_type = 'app_open' then 1 else 0 end) as app_open_count,
        sum(case when event_type = 'video_view' then 1 else 0 end) as video_view_count,
        sum(case when is_completed_view then 1 else 0 end) as completed_view_count,
        sum(case when event_type = 'video_view' then watch_seconds end) as watch_seconds,
        sum(case when event_type = 'like' then 1 else 0 end) as like_count,
        sum(case when event_type = 'share' then 1 else 0 end) as share_count,
        sum(case when event_type = 'comment' then 1 else 0 end) as comment_count,
        sum(case when event_type = 'follow' then 1 else 0 end) as follow_count,
        max(_loaded_at) as max_loaded_at
    from events
    group by
        user_id,
        event_date,
        coalesce(country, 'unknown'),
        coalesce(platform, 'unknown'),
        session_id

),

-- a session counts once in each slice it touches: the parts are summed per
-- slice and session first, so the count below needs no count(distinct)
-- (DuckDB runs that as separate aggregations joined back). The user's own
-- attributes (all, age band, acquisition channel) are one per user-day:
-- that grain is aggregated once and labelled three times at the end.
{%- set measures = ['event_count', 'app_open_count', 'video_view_count', 'completed_view_count',
                    'watch_seconds', 'like_count', 'share_count', 'comment_count', 'follow_count'] %}
{%- set event_slices = [('user', "'all'"), ('country', 'event_country'), ('platform', 'event_platform')] %}
sliced_sessions as (

    {% for slice, value in event_slices %}
        select
            user_id,
            activity_date,
            '{{ slice }}' as slice_name,
            {{ value }} as slice_value,
            session_id,
            {%- for measure in measures %}
                sum({{ measure }}) as {{ measure }},
            {%- endfor %}
            max(max_loaded_at) as max_loaded_at
        from session_parts
        group by
            user_id,
            activity_date,
            {{ value }},
            session_id
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

sliced_days as (

    select
        user_id,
        activity_date,
        slice_name,
        slice_value,
        cast(count(*) as {{ dbt.type_bigint() }}) as session_count,
        {%- for measure in measures %}
            {%- if measure == 'watch_seconds' %}
                cast(coalesce(sum(watch_seconds), 0) as double) as watch_seconds,
            {%- else %}
                cast(sum({{ measure }}) as {{ dbt.type_bigint() }}) as {{ measure }},
            {%- endif %}
        {%- endfor %}
        max(max_loaded_at) as max_loaded_at
    from sliced_sessions
    group by
        user_id,
        activity_date,
        slice_name,
        slice_value

),

days_with_user as (

    select
        sliced_days.*,
        coalesce(users.age_band, 'unknown') as age_band,
        coalesce(users.acquisition_channel, 'unknown') as acquisition_channel
    from sliced_days
    left join users
        on sliced_days.user_id = users.user_id

),

labelled as (

    {% for dimension, slice, value in [
        ('all', 'user', "'all'"), ('age_band', 'user', 'age_band'),
        ('acquisition_channel', 'user', 'acquisition_channel'),
        ('country', 'country', 'slice_value'), ('platform', 'platform', 'slice_value')] %}
        select
            *,
            '{{ dimension }}' as dimension_name,
            {{ value }} as dimension_value
        from days_with_user
        where slice_name = '{{ slice }}'
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        user_id,
        activity_date,
        dimension_name,
        dimension_value,
        event_count,
        session_count,
        {%- for measure in measures if measure != 'event_count' %}
            {{ measure }},
        {%- endfor %}
        max_loaded_at
    from labelled

)

select * from final
