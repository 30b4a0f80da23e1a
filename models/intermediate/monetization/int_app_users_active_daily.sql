-- One row per user and UTC day with at least one valid (staged) app event:
-- the daily-active-user base of ARPDAU and the video views of ad load. It is
-- the engagement domain's user-day activity (slice all/all), so DAU has a
-- single definition in the project.
with

user_days as (

    select * from {{ ref('int_user_days_aggregated') }}

),

final as (

    select
        user_id,
        activity_date,
        event_count as app_events,
        video_view_count as video_views,
        max_loaded_at
    from user_days
    where dimension_name = 'all'

)

select * from final
