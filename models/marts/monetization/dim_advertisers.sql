-- One row per advertiser, with the size of its campaign book.
with

advertisers as (

    select * from {{ ref('stg_ads__advertisers') }}

),

campaigns as (

    select * from {{ ref('stg_ads__campaigns') }}

),

campaign_counts as (

    select
        advertiser_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as campaigns,
        min(start_date) as first_campaign_start_date,
        max(end_date) as last_campaign_end_date
    from campaigns
    group by advertiser_id

),

final as (

    select
        advertisers.advertiser_id,
        advertisers.advertiser_name,
        advertisers.industry,
        advertisers.country,
        coalesce(campaign_counts.campaigns, 0) as campaigns,
        campaign_counts.first_campaign_start_date,
        campaign_counts.last_campaign_end_date
    from advertisers
    left join campaign_counts
        on advertisers.advertiser_id = campaign_counts.advertiser_id

)

select * from final
