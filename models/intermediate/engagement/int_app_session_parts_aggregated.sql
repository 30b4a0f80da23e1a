-- One row per session part: the valid app events of one session on one UTC
-- day, country, platform and session_hint (the grain every session model
-- groups from, so no model re-reads the 100M events).
-- A new session starts at a user's first event, after 30 minutes (var
-- session_timeout_minutes) or more without an event, or when the client's
-- session_hint changes between two events that both carry one. Events
-- without a hint (web, some mobile) are split by inactivity alone.
-- A session is named after its first event (session_id = user_id, '-',
-- event_id), so a late event only renames the sessions it touches.
-- Incremental (docs/incremental.md): a run rebuilds every event day from the
-- earliest day of an event that landed inside the lookback window; the
-- user's last event before that day (if within the timeout) is carried in
-- as an anchor so that a session crossing midnight keeps its id. The part
-- holding a user's last event of a day names it (last_event_of_day_id).
-- The two window passes carry only the narrow columns the parts need (the
-- event's counts as 0/1), and the parts aggregate the windows' output: no
-- join back by event_id (the join back cost the model most of its time). Writing
-- one row per event was most of the former event grain's time: parts are a
-- seventh of the rows (timings: docs/benchmarks.md, sessions 14 and 17).
{{ config(**affected_days_config('event_date')) }}
-- the first rebuilt day as a constant, so the events scan skips the older row
-- groups (a subquery cross-joined in read every staged event)
{%- set rebuilt_from = earliest_event_day_landed_in_window(ref('stg_app__events')) if is_incremental() %}

with

{% if is_incremental() -%}
-- each user's last event before the first rebuilt day, when it is recent
-- enough to continue into that day: it lends its session to the next event
anchors as (

    select
        previous.last_event_of_day_id as event_id,
        previous.user_id,
        previous.last_event_at as event_at,
        previous.session_hint,
        previous.session_id,
        row_number() over (
            partition by previous.user_id
            order by previous.last_event_at desc, previous.last_event_of_day_id desc
        ) as recency_rank
    from {{ this }} as previous
    where
        previous.last_event_of_day_id is not null
        and previous.event_date < {{ rebuilt_from }}
        and previous.last_event_at >= {{ dbt.dateadd('minute', -1 * var('session_timeout_minutes', 30),
                                                     'cast(' ~ rebuilt_from ~ ' as ' ~ dbt.type_timestamp() ~ ')') }}

),

{% endif -%}
events as (

    select events.*
    from {{ ref('stg_app__events') }} as events
    {%- if is_incremental() %}
    where events.event_at >= cast({{ rebuilt_from }} as {{ dbt.type_timestamp() }})
    {%- endif %}

),

videos as (

    select * from {{ ref('stg_app__videos') }}

),

-- what the windows and the parts need, as narrow columns (the counts as 0/1)
-- and (incremental runs) the anchors
session_inputs as (

    select
        events.event_id,
        events.user_id,
        events.event_at,
        events.session_hint,
        events.country,
        events.platform,
        case when events.event_type = 'video_view' then 1 else 0 end as is_video_view,
        case
            when {{ is_completed_view('events.event_type', 'events.watch_milliseconds',
                                      'videos.duration_seconds') }} then 1
            else 0
        end as is_completed_view,
        case when events.event_type = 'video_view' then events.watch_seconds end as view_watch_seconds,
        events._loaded_at,
        false as is_anchor,
        cast(null as {{ dbt.type_string() }}) as anchor_session_id
    from events
    left join videos
        on events.video_id = videos.video_id
    {%- if is_incremental() %}

    union all

    select
        event_id,
        user_id,
        event_at,
        session_hint,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_string() }}) as platform,
        0 as is_video_view,
        0 as is_completed_view,
        cast(null as double) as view_watch_seconds,
        cast(null as {{ dbt.type_timestamp() }}) as _loaded_at,
        true as is_anchor,
        session_id as anchor_session_id
    from anchors
    where recency_rank = 1
    {%- endif %}

),

-- the previous and next event of the user, in one window pass
ordered as (

    select
        *,
        lead(event_at) over (
            partition by user_id
            order by event_at asc nulls last, event_id asc nulls last
        ) as next_event_at,
        lag(event_at) over (
            partition by user_id
            order by event_at asc nulls last, event_id asc nulls last
        ) as previous_event_at,
        lag(session_hint) over (
            partition by user_id
            order by event_at asc nulls last, event_id asc nulls last
        ) as previous_session_hint
    from session_inputs

),

flagged as (

    select
        *,
        case
            when is_anchor then 0
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

-- every event takes the id of the latest session start at or before it (the
-- anchor lends its own): one more window pass, over the same order, instead
-- of numbering the sessions and partitioning again by that number
named as (

    select
        event_id,
        user_id,
        event_at,
        session_hint,
        country,
        platform,
        is_video_view,
        is_completed_view,
        view_watch_seconds,
        _loaded_at,
        is_anchor,
        is_session_start_flag,
        -- the user's last event of its day (the next one is on a later day)
        coalesce(cast(next_event_at as date) > cast(event_at as date), true) as is_last_event_of_day,
        {{ last_non_null(
            "case when is_anchor then anchor_session_id when is_session_start_flag = 1 then "
            ~ dbt.concat(["user_id", "'-'", "event_id"]) ~ " end"
        ) }} over (
            partition by user_id
            order by event_at asc nulls last, event_id asc nulls last
            rows between unbounded preceding and current row
        ) as session_id
    from flagged

),

final as (

    select
        session_id,
        user_id,
        cast(event_at as date) as event_date,
        country,
        platform,
        session_hint,
        min(event_at) as first_event_at,
        max(event_at) as last_event_at,
        max(case when is_last_event_of_day then event_id end) as last_event_of_day_id,
        max(is_session_start_flag) = 1 as contains_session_start,
        cast(count(*) as {{ dbt.type_bigint() }}) as event_count,
        cast(sum(is_video_view) as {{ dbt.type_bigint() }}) as video_view_count,
        cast(sum(is_completed_view) as {{ dbt.type_bigint() }}) as completed_view_count,
        -- double on both engines (Spark types x / 1000.0 as a decimal); null
        -- for a part without a video view
        cast(sum(view_watch_seconds) as double) as watch_seconds,
        max(_loaded_at) as max_loaded_at
    from named
    where not is_anchor
    group by
        session_id,
        user_id,
        cast(event_at as date),
        country,
        platform,
        session_hint

)

select * from final
