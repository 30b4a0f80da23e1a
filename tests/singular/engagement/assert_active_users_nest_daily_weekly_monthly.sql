-- Invariant: on every day x slice of fct_active_users_daily, DAU <= WAU <= MAU (the 1-, 7- and
-- 28-day windows ending that day are nested, so their distinct users are too), and
-- stickiness_dau_mau = dau / mau and wau_mau_ratio = wau / mau, each within [0, 1]. Why: the
-- trailing counts come from activity intervals, not from re-counting each window; an interval
-- off by a day breaks the nesting. Returns the rows that break it.
with

active_users as (

    select * from {{ ref('fct_active_users_daily') }}

),

final as (

    select
        metric_date,
        dimension_name,
        dimension_value,
        dau,
        wau,
        mau,
        stickiness_dau_mau,
        wau_mau_ratio
    from active_users
    where
        dau < 0
        or dau > wau
        or wau > mau
        -- a ratio is null exactly when mau is 0
        or coalesce(
            abs(stickiness_dau_mau - 1.0e0 * dau / nullif(mau, 0)) > 1e-12,
            (stickiness_dau_mau is null) <> (mau = 0)
        )
        or coalesce(
            abs(wau_mau_ratio - 1.0e0 * wau / nullif(mau, 0)) > 1e-12,
            (wau_mau_ratio is null) <> (mau = 0)
        )
        or stickiness_dau_mau not between 0 and 1
        or wau_mau_ratio not between 0 and 1

)

select * from final
