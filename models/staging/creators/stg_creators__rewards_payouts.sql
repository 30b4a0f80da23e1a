-- One row per rewards payout to a creator for a period.
-- Clean rows, the first landed copy of each key: the checks are in base_creators__rewards_payouts.
with

base as (

    select * from {{ ref('base_creators__rewards_payouts') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['payout_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

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
    from deduplicated
    where landing_order = 1

)

select * from final
