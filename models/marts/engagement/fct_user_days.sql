-- One row per user x UTC day with at least one valid app event: the user's
-- activity that day. The entity-grain fact the MetricFlow semantic layer
-- counts DAU, WAU, MAU and watch time on (models/marts/engagement/
-- _engagement__semantic.yml), so a metric can be sliced by any attribute of
-- the user (dim_users) rather than only by the slices the daily marts
-- pre-computed. It is the all slice of int_user_days_aggregated, which
-- already holds the day's activity once per user. A view: a table would
-- copy a fifth of that table on every build for no reader's gain.
{{ config(materialized='view') }}
with

user_days as (

    select * from {{ ref('int_user_days_aggregated') }}

),

final as (

    select
        user_id,
        activity_date,
        event_count,
        app_open_count,
        video_view_count,
        completed_view_count,
        watch_seconds,
        like_count,
        share_count,
        comment_count,
        follow_count
    from user_days
    where dimension_name = 'all'

)

select * from final
