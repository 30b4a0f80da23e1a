-- Invariant: in fct_core_indicators detection_value, the series anomaly detection scores, is
-- the value itself for every indicator except the three read from winsorised ad revenue
-- (ad_revenue_usd, arpdau, ecpm_usd: their numerator caps each billed event at the day's
-- 99th percentile), and for those it is never above the value (to 1e-12 relative). Why: the
-- anomalies and change drivers rank what detection_value says; a detection series that
-- drifted from the published value would flag days nobody can see in the value. The cap
-- itself is recomputed in python_checks/test_core_indicators.py. One pass over the mart;
-- returns the rows that break it.
with

indicators as (

    select * from {{ ref('fct_core_indicators') }}

),

final as (

    select
        metric_date,
        metric_name,
        dimension_name,
        dimension_value,
        value,
        detection_value
    from indicators
    where
        case
            when metric_name in ('ad_revenue_usd', 'arpdau', 'ecpm_usd')
                then
                    detection_value > value * (1 + 1e-12) + 1e-12
                    or (detection_value is null) <> (value is null)
            else coalesce(detection_value <> value, (detection_value is null) <> (value is null))
        end

)

select * from final
