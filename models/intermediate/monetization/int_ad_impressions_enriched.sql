-- One row per staged ad impression, with the viewer's country and platform,
-- the campaign's advertiser and bid type, and the clicks and conversions that
-- followed it (counted on the impression, whatever day they happened).
-- _loaded_at is the impression's. A daily run (data_tests_scope: recent)
-- tests the rows shown since the earliest stg_ads__impressions row inside
-- its lookback window (the tests' `where`, docs/incremental.md).
with

impressions as (

    select * from {{ ref('stg_ads__impressions') }}

),

campaigns as (

    select * from {{ ref('stg_ads__campaigns') }}

),

users as (

    select * from {{ ref('stg_app__users') }}

),

clicks as (

    select * from {{ ref('stg_ads__clicks') }}

),

conversions as (

    select * from {{ ref('stg_ads__conversions') }}

),

clicks_per_impression as (

    select
        impression_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as clicks
    from clicks
    group by impression_id

),

conversions_per_impression as (

    select
        impression_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as conversions,
        cast(sum(case when click_id is not null then 1 else 0 end) as {{ dbt.type_bigint() }})
            as click_through_conversions
    from conversions
    group by impression_id

),

final as (

    select
        impressions.impression_id,
        impressions.request_id,
        impressions.user_id,
        impressions.campaign_id,
        campaigns.advertiser_id,
        campaigns.bid_type,
        impressions.ad_id,
        impressions.placement,
        users.country,
        users.platform,
        impressions.shown_at,
        cast(impressions.shown_at as date) as shown_date,
        impressions.revenue_micros as impression_revenue_micros,
        coalesce(clicks_per_impression.clicks, 0) as clicks,
        coalesce(conversions_per_impression.conversions, 0) as conversions,
        coalesce(conversions_per_impression.click_through_conversions, 0) as click_through_conversions,
        impressions._loaded_at
    from impressions
    inner join campaigns
        on impressions.campaign_id = campaigns.campaign_id
    left join users
        on impressions.user_id = users.user_id
    left join clicks_per_impression
        on impressions.impression_id = clicks_per_impression.impression_id
    left join conversions_per_impression
        on impressions.impression_id = conversions_per_impression.impression_id

)

select * from final
