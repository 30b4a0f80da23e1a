-- One row per app session (see int_app_session_parts_aggregated for the rules:
-- 30 minutes of inactivity or a change of session_hint ends a session).
-- A table summed from the session parts (the incremental base of the
-- sessions, docs/incremental.md), which are a seventh of the events.

with

parts as (

    select * from {{ ref('int_app_session_parts_aggregated') }}

),

-- a session's parts (one per day, country, platform and hint) add up; its
-- hint, country and platform are the largest of its parts' (one each
-- unless they change within the session)
aggregated as (

    select
        session_id,
        user_id,
        min(first_event_at) as started_at,
        max(last_event_at) as ended_at,
        max(session_hint) as session_hint,
        max(country) as country,
        max(platform) as platform,
        cast(sum(event_count) as {{ dbt.type_bigint() }}) as event_count,
        cast(sum(video_view_count) as {{ dbt.type_bigint() }}) as video_view_count,
        cast(sum(completed_view_count) as {{ dbt.type_bigint() }}) as completed_view_count,
        cast(coalesce(sum(watch_seconds), 0) as double) as watch_seconds,
        max(max_loaded_at) as max_loaded_at
    from parts
    group by
        session_id,
        user_id

),

final as (

    select
        aggregated.session_id,
        aggregated.user_id,
        -- sessions are named after their first event: ties on the start
        -- time are broken by that event's id, as sessionization orders them
        -- bigint on both engines (Spark types row_number as int)
        cast(
            row_number() over (
                partition by aggregated.user_id
                order by aggregated.started_at asc, aggregated.session_id asc
            ) as {{ dbt.type_bigint() }}
        ) as session_number,
        aggregated.started_at,
        aggregated.ended_at,
        cast(aggregated.started_at as date) as session_date,
        {{ seconds_between('aggregated.started_at', 'aggregated.ended_at') }} as duration_seconds,
        aggregated.session_hint,
        aggregated.country,
        aggregated.platform,
        aggregated.event_count,
        aggregated.video_view_count,
        aggregated.completed_view_count,
        aggregated.watch_seconds,
        (
            {{ seconds_between('aggregated.started_at', 'aggregated.ended_at') }} > 10
            or aggregated.video_view_count >= 2
        ) as is_engaged,
        aggregated.max_loaded_at
    from aggregated

)

select * from final
