-- One row per rewards payout to a creator for a period.
-- Clean rows only: the checks are in base_creators__rewards_payouts.
with

base as (

    select * from {{ ref('base_creators__rewards_payouts') }}

),

final as (

    select
        payout_id,
        creator_id,
        period_start,
        period_end,
        qualified_views,
        amount_usd,
        paid_at,
        _loaded_at
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
