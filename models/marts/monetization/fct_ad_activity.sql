-- One row per ad event (request, impression, click or conversion) on its own
-- UTC day: the entity-grain fact the MetricFlow semantic layer sums the ad
-- funnel on (models/marts/monetization/_monetization__semantic.yml), so ad
-- metrics can be sliced by placement, campaign, the user's country and
-- platform, or any attribute of the user (dim_users). Clicks and conversions
-- that follow an impression are also carried on the impression row (counted
-- on the impression day, as fct_ad_funnel_daily). A view over
-- int_ad_activity_unioned, itself a view: event-grain rows are not worth
-- writing twice on every build.
{{ config(materialized='view') }}
with

activity as (

    select * from {{ ref('int_ad_activity_unioned') }}

),

final as (

    select
        activity_kind,
        activity_id,
        activity_date,
        user_id,
        placement,
        -- users without a staged users row, as in the core indicators' slices
        coalesce(country, 'unknown') as country,
        coalesce(platform, 'unknown') as platform,
        campaign_id,
        advertiser_id,
        ad_requests,
        filled_requests,
        impressions,
        clicks,
        conversions,
        cast(impression_revenue_micros + click_revenue_micros + conversion_revenue_micros as double)
        / 1000000 as revenue_usd,
        cast(conversion_value_micros as double) / 1000000 as conversion_value_usd
    from activity

)

select * from final
