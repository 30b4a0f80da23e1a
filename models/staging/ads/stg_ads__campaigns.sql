-- One row per ad campaign.
-- Clean rows, the first landed copy of each key: the checks are in base_ads__campaigns.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_ads__campaigns'), ['campaign_id']) }}

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
    from deduplicated
    where landing_order = 1

)

select * from final
