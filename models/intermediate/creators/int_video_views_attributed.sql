-- One row per valid video_view event, with the video's creator and whether
-- the view qualifies for creator rewards: For You surface, watched at least
-- 5 seconds, and not the creator watching their own video.
-- A view on purpose: as a table (event grain) its write cost more in a
-- 10M-event build than the re-runs by its readers and tests that it saved.
-- No _loaded_at here: a daily run (data_tests_scope: recent) tests the rows
-- since the earliest stg_app__events row inside its lookback window (the
-- tests' `where`, docs/incremental.md).
with

events as (

    select * from {{ ref('stg_app__events') }}

),

videos as (

    select * from {{ ref('stg_app__videos') }}

),

final as (

    select
        events.event_id,
        cast(events.event_at as date) as view_date,
        events.event_at as viewed_at,
        events.user_id as viewer_id,
        events.video_id,
        videos.creator_id,
        events.surface,
        events.watch_milliseconds,
        events.watch_seconds,
        events.user_id = videos.creator_id as is_self_view,
        (
            events.surface = 'for_you'
            and events.watch_milliseconds >= {{ var('qualified_view_min_watch_ms', 5000) }}
            and events.user_id <> videos.creator_id
        ) as is_qualifying_view
    from events
    inner join videos
        on events.video_id = videos.video_id
    where events.event_type = 'video_view'

)

select * from final
