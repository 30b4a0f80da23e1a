-- Invariant: on every day, the spend of fct_campaign_budget_pacing_daily summed over campaigns
-- equals ad_revenue_usd of metrics_monetization_daily (to 1e-9 relative). Why: pacing keeps a
-- campaign's billing only on the days of its flight; a billed impression, click or conversion
-- outside its campaign's flight, or a campaign missing from dim_campaigns, would vanish from
-- pacing while the revenue counts it. Returns the days that differ, with both sums.
with

pacing as (

    select * from {{ ref('fct_campaign_budget_pacing_daily') }}

),

metrics as (

    select * from {{ ref('metrics_monetization_daily') }}

),

spend_days as (

    select
        activity_date,
        sum(spend_usd) as spend_usd
    from pacing
    group by activity_date

),

compared as (

    select
        coalesce(metrics.metric_date, spend_days.activity_date) as metric_date,
        coalesce(spend_days.spend_usd, 0) as spend_usd,
        coalesce(metrics.ad_revenue_usd, 0) as ad_revenue_usd
    from metrics
    full outer join spend_days
        on metrics.metric_date = spend_days.activity_date

),

final as (

    select *
    from compared
    where abs(spend_usd - ad_revenue_usd) > 1e-9 * greatest(1, abs(ad_revenue_usd))

)

select * from final
