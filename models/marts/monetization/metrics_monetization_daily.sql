-- One row per UTC day: the headline monetization metrics, each a ratio of
-- the day's sums. Ad counts and revenue follow fct_ad_funnel_daily (revenue on
-- each billed event's own day, ctr on the impression's day); dau is distinct
-- users with a valid app event that day.
with

funnel as (

    select * from {{ ref('fct_ad_funnel_daily') }}

),

segments as (

    select * from {{ ref('fct_ad_revenue_by_user_segment_daily') }}

),

funnel_days as (

    select
        activity_date,
        cast(sum(ad_requests) as {{ dbt.type_bigint() }}) as ad_requests,
        cast(sum(filled_requests) as {{ dbt.type_bigint() }}) as filled_requests,
        cast(sum(impressions) as {{ dbt.type_bigint() }}) as ad_impressions,
        cast(sum(clicks) as {{ dbt.type_bigint() }}) as ad_clicks,
        cast(sum(conversions) as {{ dbt.type_bigint() }}) as ad_conversions,
        cast(sum(click_through_conversions) as {{ dbt.type_bigint() }}) as click_through_conversions,
        cast(sum(clicks_on_day) as {{ dbt.type_bigint() }}) as clicks_on_day,
        cast(sum(conversions_on_day) as {{ dbt.type_bigint() }}) as conversions_on_day,
        cast(sum(impression_revenue_usd) as double) as impression_revenue_usd,
        cast(sum(click_revenue_usd) as double) as click_revenue_usd,
        cast(sum(conversion_revenue_usd) as double) as conversion_revenue_usd,
        cast(sum(revenue_usd) as double) as ad_revenue_usd,
        cast(sum(conversion_value_usd) as double) as conversion_value_usd
    from funnel
    group by activity_date

),

user_days as (

    select
        activity_date,
        daily_active_users,
        video_views
    from segments
    where segment_name = 'all'

),

final as (

    select
        coalesce(funnel_days.activity_date, user_days.activity_date) as metric_date,
        coalesce(funnel_days.ad_requests, 0) as ad_requests,
        coalesce(funnel_days.filled_requests, 0) as filled_requests,
        cast(funnel_days.filled_requests as double)
        / nullif(funnel_days.ad_requests, 0) as fill_rate,
        coalesce(funnel_days.ad_impressions, 0) as ad_impressions,
        coalesce(funnel_days.ad_clicks, 0) as ad_clicks,
        cast(funnel_days.ad_clicks as double) / nullif(funnel_days.ad_impressions, 0) as ctr,
        coalesce(funnel_days.ad_conversions, 0) as ad_conversions,
        coalesce(funnel_days.click_through_conversions, 0) as click_through_conversions,
        cast(funnel_days.click_through_conversions as double)
        / nullif(funnel_days.ad_clicks, 0) as cvr,
        coalesce(funnel_days.clicks_on_day, 0) as clicks_on_day,
        coalesce(funnel_days.conversions_on_day, 0) as conversions_on_day,
        coalesce(funnel_days.impression_revenue_usd, 0) as impression_revenue_usd,
        coalesce(funnel_days.click_revenue_usd, 0) as click_revenue_usd,
        coalesce(funnel_days.conversion_revenue_usd, 0) as conversion_revenue_usd,
        coalesce(funnel_days.ad_revenue_usd, 0) as ad_revenue_usd,
        1000 * funnel_days.ad_revenue_usd / nullif(funnel_days.ad_impressions, 0) as ecpm_usd,
        funnel_days.ad_revenue_usd / nullif(funnel_days.clicks_on_day, 0) as cpc_usd,
        funnel_days.ad_revenue_usd / nullif(funnel_days.conversions_on_day, 0) as cpa_usd,
        coalesce(funnel_days.conversion_value_usd, 0) as conversion_value_usd,
        funnel_days.conversion_value_usd / nullif(funnel_days.ad_revenue_usd, 0) as roas,
        coalesce(user_days.daily_active_users, 0) as dau,
        funnel_days.ad_revenue_usd / nullif(user_days.daily_active_users, 0) as arpdau_usd,
        coalesce(user_days.video_views, 0) as video_views,
        cast(funnel_days.ad_impressions as double) / nullif(user_days.video_views, 0) as ad_load
    from funnel_days
    full outer join user_days
        on funnel_days.activity_date = user_days.activity_date

)

select * from final
