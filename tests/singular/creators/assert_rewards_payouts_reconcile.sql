-- Invariant: every payout of fct_rewards_payouts reconciles with itself and with the day's
-- totals of metrics_creators_daily:
--   qualified_views_difference = paid_qualified_views - warehouse_qualified_views,
--   reconciliation_status is match exactly when that difference is 0 (else mismatch),
--   rpm_usd = 1000 * amount_usd / paid_qualified_views (warehouse_rpm_usd likewise);
-- and on each day of metrics_creators_daily, payouts, payout_amount_usd, paid_qualified_views
-- and mismatched_payouts are the sums over the payouts paid that day, rpm_usd their ratio.
-- Why: the reconciliation exists to surface differences, never to hide them; a status that
-- says match on a difference, or a daily total that loses a payout, would hide one.
-- (The known differences themselves warn through the model's own test.) Returns the payouts
-- or days that disagree.
with

payouts as (

    select * from {{ ref('fct_rewards_payouts') }}

),

metrics as (

    select * from {{ ref('metrics_creators_daily') }}

),

inconsistent_payouts as (

    select
        'payout ' || payout_id as failing_row,
        cast(null as date) as metric_date
    from payouts
    where
        coalesce(
            qualified_views_difference <> paid_qualified_views - warehouse_qualified_views,
            (qualified_views_difference is null) <> (paid_qualified_views - warehouse_qualified_views is null)
        )
        or coalesce(reconciliation_status <> 'match', true) = coalesce(qualified_views_difference = 0, false)
        or coalesce(
            abs(rpm_usd - 1000 * amount_usd / nullif(paid_qualified_views, 0))
            > 1e-9 * greatest(1, abs(rpm_usd)),
            (rpm_usd is null) <> (1000 * amount_usd / nullif(paid_qualified_views, 0) is null)
        )
        or coalesce(
            abs(warehouse_rpm_usd - 1000 * amount_usd / nullif(warehouse_qualified_views, 0))
            > 1e-9 * greatest(1, abs(warehouse_rpm_usd)),
            (warehouse_rpm_usd is null) <> (1000 * amount_usd / nullif(warehouse_qualified_views, 0) is null)
        )

),

paid_days as (

    select
        paid_date,
        count(*) as payouts,
        sum(amount_usd) as payout_amount_usd,
        sum(paid_qualified_views) as paid_qualified_views,
        sum(case when reconciliation_status = 'mismatch' then 1 else 0 end) as mismatched_payouts
    from payouts
    group by paid_date

),

inconsistent_days as (

    select
        'day' as failing_row,
        metrics.metric_date
    from metrics
    left join paid_days
        on metrics.metric_date = paid_days.paid_date
    where
        metrics.payouts <> coalesce(paid_days.payouts, 0)
        or metrics.mismatched_payouts <> coalesce(paid_days.mismatched_payouts, 0)
        or metrics.paid_qualified_views <> coalesce(paid_days.paid_qualified_views, 0)
        or abs(metrics.payout_amount_usd - coalesce(paid_days.payout_amount_usd, 0))
        > 1e-9 * greatest(1, abs(metrics.payout_amount_usd))
        or coalesce(
            abs(metrics.rpm_usd - 1000 * paid_days.payout_amount_usd / nullif(paid_days.paid_qualified_views, 0))
            > 1e-9 * greatest(1, abs(metrics.rpm_usd)),
            (metrics.rpm_usd is null)
            <> (1000 * paid_days.payout_amount_usd / nullif(paid_days.paid_qualified_views, 0) is null)
        )

),

final as (

    select * from inconsistent_payouts
    union all
    select * from inconsistent_days

)

select * from final
