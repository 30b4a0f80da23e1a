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

-- what the creator received each day (incremental by day)
received as (

    select * from {{ ref('int_creator_days_aggregated') }}

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

joined as (

    select
        creator_days.creator_id,
        creator_days.activity_date,
        creator_days.country,
        creator_days.is_registered_before_day,
        coalesce(published.videos_published, 0) as videos_published,
        coalesce(received.video_views, 0) as video_views,
        coalesce(received.qualified_views, 0) as qualified_views,
        coalesce(received.watch_milliseconds, 0) as watch_milliseconds,
        coalesce(received.likes_received, 0) as likes_received,
        coalesce(received.comments_received, 0) as comments_received,
        coalesce(received.shares_received, 0) as shares_received,
        coalesce(received.followers_gained, 0) as followers_gained,
        coalesce(received.followers_lost, 0) as followers_lost
    from creator_days
    left join published
        on
            creator_days.creator_id = published.creator_id
            and creator_days.activity_date = published.activity_date
    left join received
        on
            creator_days.creator_id = received.user_id
            and creator_days.activity_date = received.activity_date

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
