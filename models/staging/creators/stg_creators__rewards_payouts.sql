-- One row per rewards payout to a creator for a period.
-- Clean rows, the first landed copy of each key: the checks are in base_creators__rewards_payouts.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_creators__rewards_payouts'), ['payout_id']) }}

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
