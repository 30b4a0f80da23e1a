-- One row per valid app event with the session it belongs to.
-- A new session starts at a user's first event, after 30 minutes (var
-- session_timeout_minutes) or more without an event, or when the client's
-- session_hint changes between two events that both carry one. Events
-- without a hint (web, some mobile) are split by inactivity alone.
-- Materialized as a table: the ordered window over every event is reused by
-- fct_sessions and int_user_days_aggregated.
{{ config(materialized='table') }}

with

events as (

    select * from {{ ref('stg_app__events') }}

),

videos as (

    select * from {{ ref('stg_app__videos') }}

),

ordered as (

    select
        event_id,
        user_id,
        event_type,
        event_at,
        session_hint,
        video_id,
        watch_milliseconds,
        watch_seconds,
        country,
        platform,
        _loaded_at,
        lag(event_at) over (
            partition by user_id
            order by event_at asc nulls last, event_id asc nulls last
        ) as previous_event_at,
        lag(session_hint) over (
            partition by user_id
            order by event_at asc nulls last, event_id asc nulls last
        ) as previous_session_hint
    from events

),

flagged as (

    select
        *,
        case
            when previous_event_at is null then 1
            when
                event_at >= {{ dbt.dateadd('minute', var('session_timeout_minutes', 30), 'previous_event_at') }}
                then 1
            when
                session_hint is not null
                and previous_session_hint is not null
                and session_hint <> previous_session_hint
                then 1
            else 0
        end as is_session_start_flag
    from ordered

),

numbered as (

    select
        *,
        sum(is_session_start_flag) over (
            partition by user_id
            order by event_at asc nulls last, event_id asc nulls last
            rows between unbounded preceding and current row
        ) as session_number
    from flagged

),

final as (

    select
        numbered.event_id,
        numbered.user_id,
        {{ dbt.concat(["numbered.user_id", "'-s'", "cast(numbered.session_number as " ~ dbt.type_string() ~ ")"]) }}
            as session_id,
        cast(numbered.session_number as {{ dbt.type_bigint() }}) as session_number,
        numbered.is_session_start_flag = 1 as is_session_start,
        numbered.event_type,
        numbered.event_at,
        cast(numbered.event_at as date) as event_date,
        numbered.session_hint,
        numbered.video_id,
        numbered.watch_milliseconds,
        numbered.watch_seconds,
        videos.duration_seconds as video_duration_seconds,
        coalesce(
            numbered.event_type = 'video_view'
            and numbered.watch_milliseconds >= videos.duration_seconds * 1000,
            false
        ) as is_completed_view,
        numbered.country,
        numbered.platform,
        numbered._loaded_at
    from numbered
    left join videos
        on numbered.video_id = videos.video_id

)

select * from final
