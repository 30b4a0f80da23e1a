-- Invariant: metrics_risk_daily has one row for every UTC day from its first to its last day,
-- no gaps (its metric_date is tested unique). Why: a day without a removal, sample or appeal
-- still needs its row (zero counts, null rates), or a time series read from the mart skips it
-- and week-over-week comparisons shift. Returns one row (the window and its row count) when
-- days are missing.
with

metrics as (

    select * from {{ ref('metrics_risk_daily') }}

),

window_bounds as (

    select
        min(metric_date) as first_date,
        max(metric_date) as last_date,
        count(*) as days_with_a_row
    from metrics

),

final as (

    select *
    from window_bounds
    where days_with_a_row <> {{ days_between('first_date', 'last_date') }} + 1

)

select * from final
