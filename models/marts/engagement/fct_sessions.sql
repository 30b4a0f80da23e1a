-- One row per app session (see int_app_events_sessionized for the rules:
-- 30 minutes of inactivity or a change of session_hint ends a session).
with

events as (

    select * from {{ ref('int_app_events_sessionized') }}

),

aggregated as (

    select
        session_id,
        user_id,
        min(event_at) as started_at,
        max(event_at) as ended_at,
        max(session_hint) as session_hint,
        max(country) as country,
        max(platform) as platform,
        cast(count(*) as {{ dbt.type_bigint() }}) as event_count,
        cast(sum(case when event_type = 'video_view' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as video_view_count,
        cast(sum(case when is_completed_view then 1 else 0 end) as {{ dbt.type_bigint() }})
            as completed_view_count,
        cast(
            coalesce(sum(case when event_type = 'video_view' then watch_seconds end), 0) as double
        ) as watch_seconds
    from events
    group by
        session_id,
        user_id

),

final as (

    select
        session_id,
        user_id,
        -- sessions are named after their first event: ties on the start
        -- time are broken by that event's id, as sessionization orders them
        row_number() over (
            partition by user_id
            order by started_at asc, session_id asc
        ) as session_number,
        started_at,
        ended_at,
        cast(started_at as date) as session_date,
        {{ seconds_between('started_at', 'ended_at') }} as duration_seconds,
        session_hint,
        country,
        platform,
        event_count,
        video_view_count,
        completed_view_count,
        watch_seconds,
        (
            {{ seconds_between('started_at', 'ended_at') }} > 10
            or video_view_count >= 2
        ) as is_engaged
    from aggregated

)

select * from final
