-- One row per creator rewards payout, reconciled against the warehouse's own
-- count of qualified views (For You views >= 5 s, one per viewer x video x day,
-- no self views) over the payout period. Differences are kept and flagged,
-- never hidden: reconciliation_status = 'mismatch' when the counts differ.
-- RPM = payout per 1,000 qualified views (paid and warehouse count).
with

payouts as (

    select * from {{ ref('stg_creators__rewards_payouts') }}

),

-- qualified views per creator and day (int_qualified_views_deduplicated
-- counted by day, incremental)
received as (

    select * from {{ ref('int_creator_days_aggregated') }}

),

warehouse_counts as (

    select
        payouts.payout_id,
        cast(coalesce(sum(received.qualified_views), 0) as {{ dbt.type_bigint() }}) as warehouse_qualified_views
    from payouts
    left join received
        on
            payouts.creator_id = received.user_id
            and payouts.period_start <= received.activity_date
            and payouts.period_end >= received.activity_date
    group by payouts.payout_id

),

final as (

    select
        payouts.payout_id,
        payouts.creator_id,
        payouts.period_start,
        payouts.period_end,
        payouts.paid_at,
        cast(payouts.paid_at as date) as paid_date,
        payouts.amount_usd,
        payouts.qualified_views as paid_qualified_views,
        warehouse_counts.warehouse_qualified_views,
        payouts.qualified_views - warehouse_counts.warehouse_qualified_views as qualified_views_difference,
        case
            when payouts.qualified_views = warehouse_counts.warehouse_qualified_views then 'match'
            else 'mismatch'
        end as reconciliation_status,
        1000 * payouts.amount_usd / nullif(payouts.qualified_views, 0) as rpm_usd,
        1000 * payouts.amount_usd / nullif(warehouse_counts.warehouse_qualified_views, 0) as warehouse_rpm_usd
    from payouts
    inner join warehouse_counts
        on payouts.payout_id = warehouse_counts.payout_id

)

select * from final
