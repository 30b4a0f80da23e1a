-- One row per ad event (request, impression, click or conversion), each on
-- its own UTC day, carrying the placement, the user's country and platform and
-- the campaign it belongs to, and its contribution to every funnel measure.
-- Summing any measure over any set of rows gives that measure for the set,
-- so every ratio downstream is a ratio of these sums.
-- A view on purpose: as a table (event grain) its write cost more in a
-- 10M-event build than the re-runs by its readers and tests that it saved.
-- _loaded_at is the row's own ad event's (the watermark of the ad-activity-day
-- base). A daily run (data_tests_scope: recent) tests the rows since the
-- earliest stg_ads__ad_requests row inside its lookback window (the tests'
-- `where`, docs/incremental.md).
with

requests as (

    select * from {{ ref('stg_ads__ad_requests') }}

),

users as (

    select * from {{ ref('stg_app__users') }}

),

impressions as (

    select * from {{ ref('int_ad_impressions_enriched') }}

),

clicks as (

    select * from {{ ref('stg_ads__clicks') }}

),

conversions as (

    select * from {{ ref('stg_ads__conversions') }}

),

request_rows as (

    -- a filled request takes the campaign of the impression that filled it;
    -- unfilled requests (and the few filled ones whose impression was
    -- quarantined) have no campaign
    select
        'request' as activity_kind,
        requests.request_id as activity_id,
        cast(requests.requested_at as date) as activity_date,
        requests.requested_at as activity_at,
        requests.user_id,
        requests.placement,
        users.country,
        users.platform,
        impressions.campaign_id,
        impressions.advertiser_id,
        1 as ad_requests,
        case when requests.is_filled then 1 else 0 end as filled_requests,
        0 as impressions,
        0 as clicks,
        0 as conversions,
        0 as click_through_conversions,
        0 as clicks_on_day,
        0 as conversions_on_day,
        cast(0 as {{ dbt.type_bigint() }}) as impression_revenue_micros,
        cast(0 as {{ dbt.type_bigint() }}) as click_revenue_micros,
        cast(0 as {{ dbt.type_bigint() }}) as conversion_revenue_micros,
        cast(0 as {{ dbt.type_bigint() }}) as conversion_value_micros,
        requests._loaded_at
    from requests
    left join users
        on requests.user_id = users.user_id
    left join impressions
        on requests.request_id = impressions.request_id

),

impression_rows as (

    select
        'impression' as activity_kind,
        impression_id as activity_id,
        shown_date as activity_date,
        shown_at as activity_at,
        user_id,
        placement,
        country,
        platform,
        campaign_id,
        advertiser_id,
        0 as ad_requests,
        0 as filled_requests,
        1 as impressions,
        clicks,
        conversions,
        click_through_conversions,
        0 as clicks_on_day,
        0 as conversions_on_day,
        impression_revenue_micros,
        cast(0 as {{ dbt.type_bigint() }}) as click_revenue_micros,
        cast(0 as {{ dbt.type_bigint() }}) as conversion_revenue_micros,
        cast(0 as {{ dbt.type_bigint() }}) as conversion_value_micros,
        _loaded_at
    from impressions

),

click_rows as (

    select
        'click' as activity_kind,
        clicks.click_id as activity_id,
        cast(clicks.clicked_at as date) as activity_date,
        clicks.clicked_at as activity_at,
        impressions.user_id,
        impressions.placement,
        impressions.country,
        impressions.platform,
        impressions.campaign_id,
        impressions.advertiser_id,
        0 as ad_requests,
        0 as filled_requests,
        0 as impressions,
        0 as clicks,
        0 as conversions,
        0 as click_through_conversions,
        1 as clicks_on_day,
        0 as conversions_on_day,
        cast(0 as {{ dbt.type_bigint() }}) as impression_revenue_micros,
        clicks.revenue_micros as click_revenue_micros,
        cast(0 as {{ dbt.type_bigint() }}) as conversion_revenue_micros,
        cast(0 as {{ dbt.type_bigint() }}) as conversion_value_micros,
        clicks._loaded_at
    from clicks
    inner join impressions
        on clicks.impression_id = impressions.impression_id

),

conversion_rows as (

    select
        'conversion' as activity_kind,
        conversions.conversion_id as activity_id,
        cast(conversions.converted_at as date) as activity_date,
        conversions.converted_at as activity_at,
        impressions.user_id,
        impressions.placement,
        impressions.country,
        impressions.platform,
        impressions.campaign_id,
        impressions.advertiser_id,
        0 as ad_requests,
        0 as filled_requests,
        0 as impressions,
        0 as clicks,
        0 as conversions,
        0 as click_through_conversions,
        0 as clicks_on_day,
        1 as conversions_on_day,
        cast(0 as {{ dbt.type_bigint() }}) as impression_revenue_micros,
        cast(0 as {{ dbt.type_bigint() }}) as click_revenue_micros,
        conversions.revenue_micros as conversion_revenue_micros,
        conversions.value_micros as conversion_value_micros,
        conversions._loaded_at
    from conversions
    inner join impressions
        on conversions.impression_id = impressions.impression_id

),

final as (

    select * from request_rows
    union all
    select * from impression_rows
    union all
    select * from click_rows
    union all
    select * from conversion_rows

)

select * from final
