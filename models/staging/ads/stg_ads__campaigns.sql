-- One row per ad campaign.
-- Clean rows only: the checks are in base_ads__campaigns.
with

base as (

    select * from {{ ref('base_ads__campaigns') }}

),

final as (

    select
        campaign_id,
        advertiser_id,
        objective,
        bid_type,
        bid_micros,
        bid_usd,
        daily_budget_micros,
        daily_budget_usd,
        start_date,
        end_date,
        _loaded_at
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
