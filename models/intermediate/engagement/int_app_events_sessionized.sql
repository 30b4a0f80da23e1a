-- One row per valid app event with the session it belongs to.
-- A new session starts at a user's first event, after 30 minutes (var
-- session_timeout_minutes) or more without an event, or when the client's
-- session_hint changes between two events that both carry one. Events
-- without a hint (web, some mobile) are split by inactivity alone.
-- A session is named after its first event (session_id = user_id, '-',
-- event_id), so a late event only renames the sessions it touches.
-- Incremental (docs/incremental.md): a run rebuilds every event day from the
-- earliest day of an event that landed inside the lookback window; the last
-- event before that day (if within the timeout) is carried in as an anchor
-- so that a session crossing midnight keeps its id.
-- The two window passes sort only the columns sessionization needs; the
-- other columns join back by event_id (at 100M events, windows over the
-- wide rows spilled most of their input to disk). Only the columns the
-- session models read are written: writing is most of this model's time at
-- 100M events, and video_id with the watch milliseconds and video duration
-- (stg_app__events and stg_app__videos have them) cost 22 s of 221.
{{ config(**affected_days_config('event_date', '_loaded_at')) }}

with

{% if is_incremental() -%}
first_rebuilt_day as (

    select min(cast(event_at as date)) as rebuilt_from
    from {{ ref('stg_app__events') }}
    where _loaded_at > {{ incremental_lookback_start('_loaded_at') }}

),

-- each user's last event before the first rebuilt day, when it is recent
-- enough to continue into that day: it lends its session to the next event
anchors as (

    select
        previous.event_id,
        previous.user_id,
        previous.event_at,
        previous.session_hint,
        previous.session_id,
        row_number() over (
            partition by previous.user_id
            order by previous.event_at desc, previous.event_id desc
        ) as recency_rank
    from {{ this }} as previous
    cross join first_rebuilt_day
    where
        previous.event_date < first_rebuilt_day.rebuilt_from
        and previous.event_at >= {{ dbt.dateadd('minute', -1 * var('session_timeout_minutes', 30),
                                                'cast(first_rebuilt_day.rebuilt_from as ' ~ dbt.type_timestamp() ~ ')') }}

),

{% endif -%}
-- read twice (the windows, the join back): inlined, not copied
events as {{ not_materialized() }} (

    select events.*
    from {{ ref('stg_app__events') }} as events
    {%- if is_incremental() %}
    cross join first_rebuilt_day
    where cast(events.event_at as date) >= first_rebuilt_day.rebuilt_from
    {%- endif %}

),

-- what the windows need: order, hint, and (incremental runs) the anchors
session_inputs as (

    select
        event_id,
        user_id,
        event_at,
        session_hint,
        false as is_anchor,
        cast(null as {{ dbt.type_string() }}) as anchor_session_id
    from events
    {%- if is_incremental() %}

    union all

    select
        event_id,
        user_id,
        event_at,
        session_hint,
        true as is_anchor,
        session_id as anchor_session_id
    from anchors
    where recency_rank = 1
    {%- endif %}

),

videos as (

    select * from {{ ref('stg_app__videos') }}

),

-- the previous event of the user, in one window pass
ordered as (

    select
        *,
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
        is_anchor,
        is_session_start_flag,
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
        events.event_id,
        events.user_id,
        named.session_id,
        named.is_session_start_flag = 1 as is_session_start,
        events.event_type,
        events.event_at,
        cast(events.event_at as date) as event_date,
        events.session_hint,
        -- double on both engines (Spark types x / 1000.0 as a decimal)
        cast(events.watch_seconds as double) as watch_seconds,
        {{ is_completed_view('events.event_type', 'events.watch_milliseconds', 'videos.duration_seconds') }}
            as is_completed_view,
        events.country,
        events.platform,
        events._loaded_at
    from events
    inner join named
        on events.event_id = named.event_id
            and not named.is_anchor
    left join videos
        on events.video_id = videos.video_id

)

select * from final
