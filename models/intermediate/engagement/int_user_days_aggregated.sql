-- One row per user × UTC activity day × slice (dimension_name,
-- dimension_value): the user's activity on that day within that slice.
-- Slices: all/all, the event's country and platform (a user who switches
-- country within a day is active in both), and the user's age band and
-- acquisition channel. Every engagement metric by slice is built from this
-- one long table, so the slicing logic lives in one place. Sessions are
-- counted apart (int_session_days_counted): built from the staged events,
-- the daily engagement and core indicators do not wait for sessionization.
-- Incremental (docs/incremental.md): a run rebuilds only the activity days
-- of events that landed inside the lookback window before the newest
-- max_loaded_at already in the table; a user-day depends on that day's
-- events only.
{{ config(**affected_days_config('activity_date')) }}
{%- set measures = ['event_count', 'app_open_count', 'video_view_count', 'completed_view_count',
                    'watch_seconds', 'like_count', 'share_count', 'comment_count', 'follow_count'] %}
{%- set event_slices = [('user', "'all'"), ('country', 'event_country'), ('platform', 'event_platform')] %}

with

events as (

    select * from {{ ref('stg_app__events') }}
    {% if is_incremental() %}
        where {{ in_days_of('cast(event_at as date)', event_days_landed_in_window(ref('stg_app__events')),
                                 from_column='event_at') }}
    {% endif %}

),

videos as (

    select * from {{ ref('stg_app__videos') }}

),

users as (

    select * from {{ ref('stg_app__users') }}

),

-- the events rolled up to user x day x event country x event platform
-- first: every slice below is a union of these groups, so the slicing works
-- on a few rows per user-day instead of five per event
day_parts as (

    select
        events.user_id,
        cast(events.event_at as date) as activity_date,
        coalesce(events.country, 'unknown') as event_country,
        coalesce(events.platform, 'unknown') as event_platform,
        count(*) as event_count,
        sum(case when events.event_type = 'app_open' then 1 else 0 end) as app_open_count,
        sum(case when events.event_type = 'video_view' then 1 else 0 end) as video_view_count,
        sum(case
            when {{ is_completed_view('events.event_type', 'events.watch_milliseconds', 'videos.duration_seconds') }}
                then 1
            else 0
        end) as completed_view_count,
        -- double on both engines (Spark types x / 1000.0 as a decimal)
        sum(case when events.event_type = 'video_view' then cast(events.watch_seconds as double) end)
            as watch_seconds,
        sum(case when events.event_type = 'like' then 1 else 0 end) as like_count,
        sum(case when events.event_type = 'share' then 1 else 0 end) as share_count,
        sum(case when events.event_type = 'comment' then 1 else 0 end) as comment_count,
        sum(case when events.event_type = 'follow' then 1 else 0 end) as follow_count,
        max(events._loaded_at) as max_loaded_at
    from events
    left join videos
        on events.video_id = videos.video_id
    group by
        events.user_id,
        cast(events.event_at as date),
        coalesce(events.country, 'unknown'),
        coalesce(events.platform, 'unknown')

),

-- the user's own attributes (all, age band, acquisition channel) are one per
-- user-day: that grain is aggregated once and labelled three times at the end
sliced_days as (

    {% for slice, value in event_slices %}
        select
            user_id,
            activity_date,
            '{{ slice }}' as slice_name,
            {{ value }} as slice_value,
            {%- for measure in measures %}
                {%- if measure == 'watch_seconds' %}
                    cast(coalesce(sum(watch_seconds), 0) as double) as watch_seconds,
                {%- else %}
                    cast(sum({{ measure }}) as {{ dbt.type_bigint() }}) as {{ measure }},
                {%- endif %}
            {%- endfor %}
            max(max_loaded_at) as max_loaded_at
        from day_parts
        group by
            user_id,
            activity_date,
            {{ value }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

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
        {%- for measure in measures if measure != 'event_count' %}
            {{ measure }},
        {%- endfor %}
        max_loaded_at
    from labelled

)

select * from final
