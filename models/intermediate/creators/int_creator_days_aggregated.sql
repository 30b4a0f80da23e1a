-- One row per receiving user x UTC day with anything received: views, watch
-- time, qualified views, likes, comments and shares on the videos the user
-- published, and follows or unfollows of the user. fct_creator_daily lays it
-- on its dense creator panel; int_experiment_unit_metrics_computed sums the
-- views received over the whole days of a creator unit's window from it.
-- Incremental (docs/incremental.md): a run rebuilds only the days of events
-- that landed inside the lookback window; a day's row depends on that day's
-- events only (a qualified view is one per viewer x video x day).
{{ config(**affected_days_config('activity_date')) }}

with

events as (

    select * from {{ ref('stg_app__events') }}
    where event_type in ('video_view', 'like', 'comment', 'share', 'follow', 'unfollow')
    {% if is_incremental() %}
        and {{ in_days_of('cast(event_at as date)', event_days_landed_in_window(ref('stg_app__events')),
                               from_column='event_at') }}
    {% endif %}

),

videos as (

    select * from {{ ref('stg_app__videos') }}

),

qualified as (

    select * from {{ ref('int_qualified_views_deduplicated') }}
    {% if is_incremental() %}
        where {{ in_days_of('view_date', event_days_landed_in_window(ref('stg_app__events'))) }}
    {% endif %}

),

-- the events on a video count for its creator (int_video_views_attributed:
-- every video_view whose video is staged)
received_on_videos as (

    select
        videos.creator_id as user_id,
        cast(events.event_at as date) as activity_date,
        sum(case when events.event_type = 'video_view' then 1 else 0 end) as video_views,
        sum(case when events.event_type = 'video_view' then events.watch_milliseconds end) as watch_milliseconds,
        sum(case when events.event_type = 'like' then 1 else 0 end) as likes_received,
        sum(case when events.event_type = 'comment' then 1 else 0 end) as comments_received,
        sum(case when events.event_type = 'share' then 1 else 0 end) as shares_received,
        max(events._loaded_at) as max_loaded_at
    from events
    inner join videos
        on events.video_id = videos.video_id
    where events.event_type in ('video_view', 'like', 'comment', 'share')
    group by
        videos.creator_id,
        cast(events.event_at as date)

),

follows as (

    select
        target_user_id as user_id,
        cast(event_at as date) as activity_date,
        sum(case when event_type = 'follow' then 1 else 0 end) as followers_gained,
        sum(case when event_type = 'unfollow' then 1 else 0 end) as followers_lost,
        max(_loaded_at) as max_loaded_at
    from events
    where event_type in ('follow', 'unfollow') and target_user_id is not null
    group by
        target_user_id,
        cast(event_at as date)

),

qualified_daily as (

    select
        creator_id as user_id,
        view_date as activity_date,
        count(*) as qualified_views
    from qualified
    group by
        creator_id,
        view_date

),

received_days as (

    select
        user_id,
        activity_date
    from received_on_videos
    union
    select
        user_id,
        activity_date
    from follows

),

final as (

    select
        received_days.user_id,
        received_days.activity_date,
        cast(coalesce(received_on_videos.video_views, 0) as {{ dbt.type_bigint() }}) as video_views,
        cast(coalesce(received_on_videos.watch_milliseconds, 0) as {{ dbt.type_bigint() }}) as watch_milliseconds,
        -- qualified views are video views: their day always has a received_on_videos row
        cast(coalesce(qualified_daily.qualified_views, 0) as {{ dbt.type_bigint() }}) as qualified_views,
        cast(coalesce(received_on_videos.likes_received, 0) as {{ dbt.type_bigint() }}) as likes_received,
        cast(coalesce(received_on_videos.comments_received, 0) as {{ dbt.type_bigint() }}) as comments_received,
        cast(coalesce(received_on_videos.shares_received, 0) as {{ dbt.type_bigint() }}) as shares_received,
        cast(coalesce(follows.followers_gained, 0) as {{ dbt.type_bigint() }}) as followers_gained,
        cast(coalesce(follows.followers_lost, 0) as {{ dbt.type_bigint() }}) as followers_lost,
        greatest(received_on_videos.max_loaded_at, follows.max_loaded_at) as max_loaded_at
    from received_days
    left join received_on_videos
        on received_days.user_id = received_on_videos.user_id
            and received_days.activity_date = received_on_videos.activity_date
    left join follows
        on received_days.user_id = follows.user_id
            and received_days.activity_date = follows.activity_date
    left join qualified_daily
        on received_days.user_id = qualified_daily.user_id
            and received_days.activity_date = qualified_daily.activity_date

)

select * from final
