-- One row per UTC day × slice (dimension_name, dimension_value): the
-- engagement metrics a BI tool reads, each with its numerator and
-- denominator where it is a ratio. dimension all/all is the total; country
-- and platform are the user's values on the event (signup values for
-- new_users and retention), age_band and acquisition_channel the user's.
-- Sessions per DAU are in metrics_sessions_daily: this mart (and the core
-- indicators built from it) does not wait for sessionization.
with

active as (

    select * from {{ ref('fct_active_users_daily') }}

),

lifecycle as (

    select * from {{ ref('fct_user_lifecycle_daily') }}

),

cohorts as (

    select * from {{ ref('fct_retention_cohorts') }}

),

user_days as (

    select * from {{ ref('int_user_days_aggregated') }}

),

activity as (

    select
        activity_date,
        dimension_name,
        dimension_value,
        cast(sum(event_count) as {{ dbt.type_bigint() }}) as events,
        cast(sum(app_open_count) as {{ dbt.type_bigint() }}) as app_opens,
        cast(sum(video_view_count) as {{ dbt.type_bigint() }}) as video_views,
        cast(sum(completed_view_count) as {{ dbt.type_bigint() }}) as completed_views,
        cast(sum(watch_seconds) as double) as watch_seconds,
        cast(sum(like_count) as {{ dbt.type_bigint() }}) as like_events,
        cast(sum(share_count) as {{ dbt.type_bigint() }}) as share_events,
        cast(sum(comment_count) as {{ dbt.type_bigint() }}) as comment_events,
        cast(sum(follow_count) as {{ dbt.type_bigint() }}) as follow_events
    from user_days
    group by
        activity_date,
        dimension_name,
        dimension_value

),

final as (

    select
        active.metric_date,
        active.dimension_name,
        active.dimension_value,
        active.dau,
        active.wau,
        active.mau,
        active.stickiness_dau_mau,
        active.is_wau_window_complete,
        active.is_mau_window_complete,
        cast(coalesce(cohorts.cohort_users, 0) as {{ dbt.type_bigint() }}) as new_users,
        cast(coalesce(cohorts.retained_on_day_1_users, 0) as {{ dbt.type_bigint() }}) as d1_retained_users,
        case when cohorts.is_day_1_complete then cohorts.retention_on_day_1 end as d1_retention,
        cast(coalesce(cohorts.retained_on_day_7_users, 0) as {{ dbt.type_bigint() }}) as d7_retained_users,
        case when cohorts.is_day_7_complete then cohorts.retention_on_day_7 end as d7_retention,
        coalesce(cohorts.is_day_1_complete, false) as is_d1_complete,
        coalesce(cohorts.is_day_7_complete, false) as is_d7_complete,
        cast(coalesce(lifecycle.retained_users, 0) as {{ dbt.type_bigint() }}) as retained_users,
        cast(coalesce(lifecycle.resurrected_users, 0) as {{ dbt.type_bigint() }}) as resurrected_users,
        cast(coalesce(lifecycle.dormant_users, 0) as {{ dbt.type_bigint() }}) as dormant_users,
        lifecycle.retained_rate,
        lifecycle.dormant_rate,
        cast(coalesce(activity.events, 0) as {{ dbt.type_bigint() }}) as events,
        cast(coalesce(activity.app_opens, 0) as {{ dbt.type_bigint() }}) as app_opens,
        cast(coalesce(activity.video_views, 0) as {{ dbt.type_bigint() }}) as video_views,
        cast(coalesce(activity.completed_views, 0) as {{ dbt.type_bigint() }}) as completed_views,
        cast(coalesce(activity.watch_seconds, 0) as double) as watch_seconds,
        cast(coalesce(activity.like_events, 0) as {{ dbt.type_bigint() }}) as like_events,
        cast(coalesce(activity.share_events, 0) as {{ dbt.type_bigint() }}) as share_events,
        cast(coalesce(activity.comment_events, 0) as {{ dbt.type_bigint() }}) as comment_events,
        cast(coalesce(activity.follow_events, 0) as {{ dbt.type_bigint() }}) as follow_events,
        activity.watch_seconds / nullif(active.dau, 0) as watch_seconds_per_dau,
        cast(activity.video_views as double) / nullif(active.dau, 0) as views_per_dau,
        cast(activity.completed_views as double) / nullif(activity.video_views, 0) as completion_rate,
        cast(activity.like_events as double) / nullif(activity.video_views, 0) as like_rate,
        cast(activity.share_events as double) / nullif(activity.video_views, 0) as share_rate,
        cast(activity.comment_events as double) / nullif(activity.video_views, 0) as comment_rate,
        cast(activity.follow_events as double) / nullif(activity.video_views, 0) as follow_rate
    from active
    left join activity
        on
            active.metric_date = activity.activity_date
            and active.dimension_name = activity.dimension_name
            and active.dimension_value = activity.dimension_value
    left join lifecycle
        on
            active.metric_date = lifecycle.metric_date
            and active.dimension_name = lifecycle.dimension_name
            and active.dimension_value = lifecycle.dimension_value
    left join cohorts
        on
            active.metric_date = cohorts.signup_date
            and active.dimension_name = cohorts.dimension_name
            and active.dimension_value = cohorts.dimension_value

)

select * from final
