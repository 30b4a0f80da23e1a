-- One row per app session (see int_app_session_parts_aggregated for the rules:
-- 30 minutes of inactivity or a change of session_hint ends a session).
-- Incremental (docs/incremental.md): a run rebuilds every session that
-- started on or after rebuilt_from and replaces those days. rebuilt_from is
-- the earliest day of an event landed inside the lookback window, moved back
-- to the start of any session that was still open 30 minutes before it (its
-- events can continue into the rebuilt days). session_number continues from
-- the user's sessions that started before rebuilt_from.
{{ config(**days_from_earliest_config('session_date')) }}

with

{% if is_incremental() -%}
first_changed_day as (

    select min(event_date) as changed_from
    from {{ ref('int_app_session_parts_aggregated') }}
    where max_loaded_at > {{ incremental_lookback_start('max_loaded_at') }}

),

rebuild_start as (

    select
        coalesce(
            (
                select min(open_sessions.session_date)
                from {{ this }} as open_sessions
                where open_sessions.ended_at >= {{ dbt.dateadd(
                    'minute', -1 * var('session_timeout_minutes', 30),
                    'cast(first_changed_day.changed_from as ' ~ dbt.type_timestamp() ~ ')') }}
                    and open_sessions.session_date < first_changed_day.changed_from
            ),
            first_changed_day.changed_from
        ) as rebuilt_from
    from first_changed_day

),

earlier_sessions as (

    select
        user_id,
        count(*) as earlier_session_count
    from {{ this }}
    where session_date < (select rebuilt_from from rebuild_start)
    group by user_id

),

{% endif -%}
parts as (

    select * from {{ ref('int_app_session_parts_aggregated') }}
    {%- if is_incremental() %}
    where event_date >= (select rebuilt_from from rebuild_start)
    {%- endif %}

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
        max(max_loaded_at) as max_loaded_at,
        -- a session whose first event is before the rebuilt days has only
        -- part of its events here: it is kept as it was
        max(case when contains_session_start then 1 else 0 end) as has_first_event
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
        -- bigint on both engines and both paths (Spark types row_number as
        -- int and the incremental sum as bigint: a schema change)
        cast(
            {% if is_incremental() -%}
            coalesce(earlier_sessions.earlier_session_count, 0) +
            {%- endif %}
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
    {%- if is_incremental() %}
    left join earlier_sessions
        on aggregated.user_id = earlier_sessions.user_id
    {%- endif %}
    where aggregated.has_first_event = 1

)

select * from final
