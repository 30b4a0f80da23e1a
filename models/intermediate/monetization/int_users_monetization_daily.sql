-- One row per user and UTC day with app activity or ad activity: whether the
-- user was active (a valid app event), their video views, the ads they saw
-- and the revenue their ad events earned (each on its own day), with the
-- user's segment attributes from the users table.
-- A table, not a view: each of its data tests and of the models reading it
-- would otherwise run its whole query again. Its ad activity comes from the
-- ad-activity-day base (int_ad_activity_days_aggregated).
{{ config(materialized='table') }}

with

active_days as (

    select * from {{ ref('int_app_users_active_daily') }}

),

activity as (

    select * from {{ ref('int_ad_activity_days_aggregated') }}

),

users as (

    select * from {{ ref('stg_app__users') }}

),

ad_user_days as (

    select
        user_id,
        activity_date,
        cast(sum(impressions) as {{ dbt.type_bigint() }}) as ad_impressions,
        cast(
            sum(impression_revenue_micros + click_revenue_micros + conversion_revenue_micros)
            as {{ dbt.type_bigint() }}
        ) as ad_revenue_micros,
        max(max_loaded_at) as max_loaded_at
    from activity
    group by
        user_id,
        activity_date

),

unioned as (

    select
        user_id,
        activity_date,
        1 as is_active,
        video_views,
        0 as ad_impressions,
        cast(0 as {{ dbt.type_bigint() }}) as ad_revenue_micros,
        max_loaded_at
    from active_days
    union all
    select
        user_id,
        activity_date,
        0 as is_active,
        0 as video_views,
        ad_impressions,
        ad_revenue_micros,
        max_loaded_at
    from ad_user_days

),

user_days as (

    select
        user_id,
        activity_date,
        max(is_active) = 1 as is_active,
        cast(sum(video_views) as {{ dbt.type_bigint() }}) as video_views,
        cast(sum(ad_impressions) as {{ dbt.type_bigint() }}) as ad_impressions,
        cast(sum(ad_revenue_micros) as {{ dbt.type_bigint() }}) as ad_revenue_micros,
        max(max_loaded_at) as max_loaded_at
    from unioned
    group by
        user_id,
        activity_date

),

final as (

    select
        user_days.user_id,
        user_days.activity_date,
        {{ dbt.date_trunc('week', 'user_days.activity_date') }} as activity_week,
        user_days.is_active,
        user_days.video_views,
        user_days.ad_impressions,
        user_days.ad_revenue_micros,
        cast(user_days.ad_revenue_micros as double) / 1000000 as ad_revenue_usd,
        coalesce(users.country, 'unknown') as country,
        coalesce(users.platform, 'unknown') as platform,
        coalesce(users.age_band, 'unknown') as age_band,
        coalesce(users.acquisition_channel, 'unknown') as acquisition_channel,
        user_days.max_loaded_at
    from user_days
    left join users
        on user_days.user_id = users.user_id

)

select * from final
