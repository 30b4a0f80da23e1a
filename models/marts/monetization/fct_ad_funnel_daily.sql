-- The ad funnel per UTC day x placement x user country x campaign. Counts are
-- on each event's own day except clicks / conversions, which are counted on the
-- day of the impression they followed (so ctr = clicks / impressions shown that
-- day); revenue and conversion value are on their own event day. Every ratio is
-- a ratio of the sums on the row, never an average of finer ratios.
-- Summed from the ad-activity-day base (int_ad_activity_days_aggregated),
-- whose rows hold the same additive measures as the ad events.

with

activity as (

    select * from {{ ref('int_ad_activity_days_aggregated') }}

),

summed as (

    select
        activity_date,
        placement,
        country,
        campaign_id,
        max(advertiser_id) as advertiser_id,
        cast(sum(ad_requests) as {{ dbt.type_bigint() }}) as ad_requests,
        cast(sum(filled_requests) as {{ dbt.type_bigint() }}) as filled_requests,
        cast(sum(impressions) as {{ dbt.type_bigint() }}) as impressions,
        cast(sum(clicks) as {{ dbt.type_bigint() }}) as clicks,
        cast(sum(conversions) as {{ dbt.type_bigint() }}) as conversions,
        cast(sum(click_through_conversions) as {{ dbt.type_bigint() }}) as click_through_conversions,
        cast(sum(clicks_on_day) as {{ dbt.type_bigint() }}) as clicks_on_day,
        cast(sum(conversions_on_day) as {{ dbt.type_bigint() }}) as conversions_on_day,
        cast(sum(impression_revenue_micros) as double) / 1000000 as impression_revenue_usd,
        cast(sum(click_revenue_micros) as double) / 1000000 as click_revenue_usd,
        cast(sum(conversion_revenue_micros) as double) / 1000000 as conversion_revenue_usd,
        cast(sum(conversion_value_micros) as double) / 1000000 as conversion_value_usd,
        max(max_loaded_at) as max_loaded_at
    from activity
    group by
        activity_date,
        placement,
        country,
        campaign_id

),

final as (

    select
        activity_date,
        placement,
        country,
        campaign_id,
        advertiser_id,
        ad_requests,
        filled_requests,
        cast(filled_requests as double) / nullif(ad_requests, 0) as fill_rate,
        impressions,
        clicks,
        cast(clicks as double) / nullif(impressions, 0) as ctr,
        conversions,
        click_through_conversions,
        cast(click_through_conversions as double) / nullif(clicks, 0) as cvr,
        clicks_on_day,
        conversions_on_day,
        impression_revenue_usd,
        click_revenue_usd,
        conversion_revenue_usd,
        impression_revenue_usd + click_revenue_usd + conversion_revenue_usd as revenue_usd,
        1000 * (impression_revenue_usd + click_revenue_usd + conversion_revenue_usd)
        / nullif(impressions, 0) as ecpm_usd,
        (impression_revenue_usd + click_revenue_usd + conversion_revenue_usd)
        / nullif(clicks_on_day, 0) as cpc_usd,
        (impression_revenue_usd + click_revenue_usd + conversion_revenue_usd)
        / nullif(conversions_on_day, 0) as cpa_usd,
        conversion_value_usd,
        conversion_value_usd
        / nullif(impression_revenue_usd + click_revenue_usd + conversion_revenue_usd, 0) as roas,
        max_loaded_at
    from summed

)

select * from final
