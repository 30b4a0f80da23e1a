-- One row per ad campaign, with its advertiser's attributes.
with

campaigns as (

    select * from {{ ref('stg_ads__campaigns') }}

),

advertisers as (

    select * from {{ ref('stg_ads__advertisers') }}

),

final as (

    select
        campaigns.campaign_id,
        campaigns.advertiser_id,
        advertisers.advertiser_name,
        advertisers.industry,
        campaigns.objective,
        campaigns.bid_type,
        campaigns.bid_usd,
        campaigns.daily_budget_usd,
        campaigns.start_date,
        campaigns.end_date,
        {{ dbt.datediff(
            'campaigns.start_date',
            'campaigns.end_date',
            'day'
        ) }} + 1 as flight_days
    from campaigns
    inner join advertisers
        on campaigns.advertiser_id = advertisers.advertiser_id

)

select * from final
