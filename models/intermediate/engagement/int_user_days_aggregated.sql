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

events_with_user as (

    select
        events.user_id,
        events.event_date as activity_date,
        events.session_id,
        events.event_type,
        events._loaded_at,
        events.watch_seconds,
        events.is_completed_view,
        coalesce(events.country, 'unknown') as event_country,
        coalesce(events.platform, 'unknown') as event_platform,
        coalesce(users.age_band, 'unknown') as age_band,
        coalesce(users.acquisition_channel, 'unknown') as acquisition_channel
    from events
    left join users
        on events.user_id = users.user_id

),

sliced as (

    select
        *,
        'all' as dimension_name,
        'all' as dimension_value
    from events_with_user
    union all
    select
        *,
        'country' as dimension_name,
        event_country as dimension_value
    from events_with_user
    union all
    select
        *,
        'platform' as dimension_name,
        event_platform as dimension_value
    from events_with_user
    union all
    select
        *,
        'age_band' as dimension_name,
        age_band as dimension_value
    from events_with_user
    union all
    select
        *,
        'acquisition_channel' as dimension_name,
        acquisition_channel as dimension_value
    from events_with_user

),

final as (

    select
        user_id,
        activity_date,
        dimension_name,
        dimension_value,
        cast(count(*) as {{ dbt.type_bigint() }}) as event_count,
        cast(count(distinct session_id) as {{ dbt.type_bigint() }}) as session_count,
        cast(sum(case when event_type = 'app_open' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as app_open_count,
        cast(sum(case when event_type = 'video_view' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as video_view_count,
        cast(sum(case when is_completed_view then 1 else 0 end) as {{ dbt.type_bigint() }})
            as completed_view_count,
        cast(
            coalesce(sum(case when event_type = 'video_view' then watch_seconds end), 0) as double
        ) as watch_seconds,
        cast(sum(case when event_type = 'like' then 1 else 0 end) as {{ dbt.type_bigint() }}) as like_count,
        cast(sum(case when event_type = 'share' then 1 else 0 end) as {{ dbt.type_bigint() }}) as share_count,
        cast(sum(case when event_type = 'comment' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as comment_count,
        cast(sum(case when event_type = 'follow' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as follow_count,
        max(_loaded_at) as max_loaded_at
    from sliced
    group by
        user_id,
        activity_date,
        dimension_name,
        dimension_value

)

select * from final
