-- One row per campaign and UTC day of its flight that falls inside the data
-- window: what it spent (impression, click and conversion billing on their own
-- day) against its daily budget.
with

campaigns as (

    select * from {{ ref('dim_campaigns') }}

),

-- the funnel holds every day with ad activity and, by campaign, its billing on
-- its own day (incremental: only the rebuilt days are summed again there)
funnel as (

    select * from {{ ref('fct_ad_funnel_daily') }}

),

window_days as (

    select distinct activity_date
    from funnel

),

campaign_days as (

    select
        campaigns.campaign_id,
        campaigns.advertiser_id,
        campaigns.bid_type,
        campaigns.daily_budget_usd,
        window_days.activity_date
    from campaigns
    inner join window_days
        on
            campaigns.start_date <= window_days.activity_date
            and campaigns.end_date >= window_days.activity_date

),

spend as (

    -- each funnel row's revenue back in integer micros (exact: every amount is
    -- micros / 1e6 and far below 2^53 micros), so the sum is the same as over the events
    select
        campaign_id,
        activity_date,
        cast(sum(impressions) as {{ dbt.type_bigint() }}) as impressions,
        cast(sum(round((impression_revenue_usd + click_revenue_usd + conversion_revenue_usd) * 1000000)) as double)
        / 1000000 as spend_usd
    from funnel
    where campaign_id is not null
    group by
        campaign_id,
        activity_date

),

final as (

    select
        campaign_days.campaign_id,
        campaign_days.activity_date,
        campaign_days.advertiser_id,
        campaign_days.bid_type,
        campaign_days.daily_budget_usd,
        coalesce(spend.impressions, 0) as impressions,
        coalesce(spend.spend_usd, 0) as spend_usd,
        coalesce(spend.spend_usd, 0) / nullif(campaign_days.daily_budget_usd, 0) as budget_pacing,
        coalesce(spend.spend_usd, 0) >= campaign_days.daily_budget_usd as is_budget_reached
    from campaign_days
    left join spend
        on
            campaign_days.campaign_id = spend.campaign_id
            and campaign_days.activity_date = spend.activity_date

)

select * from final
