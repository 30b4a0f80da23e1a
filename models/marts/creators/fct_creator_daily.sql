-- One row per staged creator and UTC day of the data window (dense: days
-- without activity are zeros). Views are valid video_view events on the
-- creator's videos; qualified views count one per viewer x video x day of For
-- You views >= 5 s that are not self views; engagement rate is (likes +
-- comments + shares received) / video views, a ratio of sums.
with

creator_days as (

    select * from {{ ref('int_creator_days_spined') }}

),

videos as (

    select * from {{ ref('stg_app__videos') }}

),

attributed_views as (

    select * from {{ ref('int_video_views_attributed') }}

),

qualified as (

    select * from {{ ref('int_qualified_views_deduplicated') }}

),

events as {{ not_materialized() }} (

    select * from {{ ref('stg_app__events') }}

),

published as (

    select
        creator_id,
        cast(published_at as date) as activity_date,
        cast(count(*) as {{ dbt.type_bigint() }}) as videos_published
    from videos
    group by
        creator_id,
        cast(published_at as date)

),

viewed as (

    select
        creator_id,
        view_date as activity_date,
        cast(count(*) as {{ dbt.type_bigint() }}) as video_views,
        cast(sum(watch_milliseconds) as {{ dbt.type_bigint() }}) as watch_milliseconds
    from attributed_views
    group by
        creator_id,
        view_date

),

qualified_daily as (

    select
        creator_id,
        view_date as activity_date,
        cast(count(*) as {{ dbt.type_bigint() }}) as qualified_views
    from qualified
    group by
        creator_id,
        view_date

),

engagements as (

    select
        videos.creator_id,
        cast(events.event_at as date) as activity_date,
        cast(sum(case when events.event_type = 'like' then 1 else 0 end) as {{ dbt.type_bigint() }}) as likes_received,
        cast(sum(case when events.event_type = 'comment' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as comments_received,
        cast(sum(case when events.event_type = 'share' then 1 else 0 end) as {{ dbt.type_bigint() }}) as shares_received
    from events
    inner join videos
        on events.video_id = videos.video_id
    where events.event_type in ('like', 'comment', 'share')
    group by
        videos.creator_id,
        cast(events.event_at as date)

),

follows as (

    select
        target_user_id as creator_id,
        cast(event_at as date) as activity_date,
        cast(sum(case when event_type = 'follow' then 1 else 0 end) as {{ dbt.type_bigint() }}) as followers_gained,
        cast(sum(case when event_type = 'unfollow' then 1 else 0 end) as {{ dbt.type_bigint() }}) as followers_lost
    from events
    where event_type in ('follow', 'unfollow') and target_user_id is not null
    group by
        target_user_id,
        cast(event_at as date)

),

joined as (

    select
        creator_days.creator_id,
        creator_days.activity_date,
        creator_days.country,
        creator_days.is_registered_before_day,
        coalesce(published.videos_published, 0) as videos_published,
        coalesce(viewed.video_views, 0) as video_views,
        coalesce(qualified_daily.qualified_views, 0) as qualified_views,
        coalesce(viewed.watch_milliseconds, 0) as watch_milliseconds,
        coalesce(engagements.likes_received, 0) as likes_received,
        coalesce(engagements.comments_received, 0) as comments_received,
        coalesce(engagements.shares_received, 0) as shares_received,
        coalesce(follows.followers_gained, 0) as followers_gained,
        coalesce(follows.followers_lost, 0) as followers_lost
    from creator_days
    left join published
        on
            creator_days.creator_id = published.creator_id
            and creator_days.activity_date = published.activity_date
    left join viewed
        on
            creator_days.creator_id = viewed.creator_id
            and creator_days.activity_date = viewed.activity_date
    left join qualified_daily
        on
            creator_days.creator_id = qualified_daily.creator_id
            and creator_days.activity_date = qualified_daily.activity_date
    left join engagements
        on
            creator_days.creator_id = engagements.creator_id
            and creator_days.activity_date = engagements.activity_date
    left join follows
        on
            creator_days.creator_id = follows.creator_id
            and creator_days.activity_date = follows.activity_date

),

final as (

    select
        creator_id,
        activity_date,
        country,
        is_registered_before_day,
        videos_published,
        videos_published > 0 as is_posting,
        video_views,
        qualified_views,
        cast(watch_milliseconds as double) / 1000 as watch_seconds,
        cast(watch_milliseconds as double) / 1000 / nullif(video_views, 0) as average_view_duration_seconds,
        likes_received,
        comments_received,
        shares_received,
        cast(likes_received + comments_received + shares_received as double)
        / nullif(video_views, 0) as engagement_rate,
        followers_gained,
        followers_lost,
        followers_gained - followers_lost as net_followers
    from joined

)

select * from final
