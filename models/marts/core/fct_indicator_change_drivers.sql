-- Root cause of an indicator's change, one row per metric x day x dimension
-- (country, platform) x dimension value. The change is between the day and
-- its baseline: per dimension value, the median numerator and the median
-- denominator over the same weekday of the trailing training weeks
-- (var anomaly_training_weeks; robust to a past anomaly, like the detector).
-- The total over the dimension's values is R = sum(numerator) /
-- sum(denominator) on both sides (for a partition such as country it is the
-- indicator's all-value).
--   counts: contribution = value - baseline value; the contributions add up
--     to the total change exactly.
--   ratios: with share w = denominator / sum(denominator) and rate r,
--     R = sum(w * r), so R1 - R0 = sum(w0 * dr) + sum(dw * r0) + sum(dw * dr)
--     (rate, mix, interaction; metric_catalog.md section 6, MIXRATE). A value
--     missing on one side (or with a zero denominator) has share 0 there and
--     takes the other side's rate, so its whole contribution is mix. The
--     contribution is numerator / total denominator, current minus
--     baseline, so the contributions always add up to the total change;
--     mix is contribution - rate - interaction, i.e. (w1 - w0) * r0 when
--     both denominators are positive, plus any numerator without a
--     denominator (revenue of users without an app event that day).
-- Drivers are ranked within metric x day x dimension by driver_score: for a
-- count the absolute change of the value's share of the total (ThirdEye's
-- contribution change: growth common to all values does not rank), for a
-- ratio the absolute rate effect (the value's own rate change at its
-- baseline weight; a mix shift alone does not rank). Rank 1 is the driver.
-- The score reads the series anomaly detection scores (detection_value:
-- winsorised revenue for the money indicators, so one large conversion in
-- another country does not outrank a broad shift); the contributions and
-- effects decompose the reported value.
{% set weeks = core_anomaly_setting('anomaly_training_weeks') %}
with

indicators as (

    select * from {{ ref('fct_core_indicators') }}

),

indicator_catalog as (

    select * from {{ ref('core_indicator_catalog') }}

),

sliced as (

    select
        indicators.metric_date,
        indicators.metric_name,
        indicator_catalog.metric_kind,
        indicators.dimension_name,
        indicators.dimension_value,
        indicators.numerator,
        indicators.denominator,
        coalesce(indicators.detection_value * indicators.denominator, indicators.numerator) as detection_numerator,
        {{ days_between("cast('2000-01-03' as date)", 'indicators.metric_date') }} as day_number
    from indicators
    inner join indicator_catalog
        on indicators.metric_name = indicator_catalog.metric_name
    where indicators.dimension_name <> 'all'

),

days as (

    select distinct
        metric_date,
        metric_name,
        metric_kind,
        dimension_name,
        day_number
    from sliced

),

-- every value of the dimension seen on the day or in its training weeks
training_rows as (

    select
        days.metric_date,
        days.metric_name,
        days.metric_kind,
        days.dimension_name,
        days.day_number,
        sliced.dimension_value,
        sliced.numerator,
        sliced.denominator,
        sliced.detection_numerator,
        sliced.day_number as training_day_number,
        sliced.day_number = days.day_number as is_current_day
    from days
    inner join sliced
        on
            days.metric_name = sliced.metric_name
            and days.dimension_name = sliced.dimension_name
            and days.day_number >= sliced.day_number
            and days.day_number - {{ 7 * weeks }} <= sliced.day_number
            and (days.day_number - sliced.day_number) - 7 * floor((days.day_number - sliced.day_number) / 7) = 0

),

baseline_weeks as (

    select
        metric_date,
        metric_name,
        dimension_name,
        cast(count(distinct training_day_number) - 1 as {{ dbt.type_bigint() }}) as baseline_weeks
    from training_rows
    group by
        metric_date,
        metric_name,
        dimension_name

),

per_value as (

    select
        metric_date,
        metric_name,
        metric_kind,
        dimension_name,
        dimension_value,
        sum(case when is_current_day then numerator else 0 end) as current_numerator,
        sum(case when is_current_day then denominator else 0 end) as current_denominator,
        coalesce(median(case when not is_current_day then numerator end), 0) as baseline_numerator,
        coalesce(median(case when not is_current_day then denominator end), 0) as baseline_denominator,
        sum(case when is_current_day then detection_numerator else 0 end) as current_detection_numerator,
        coalesce(median(case when not is_current_day then detection_numerator end), 0) as baseline_detection_numerator
    from training_rows
    group by
        metric_date,
        metric_name,
        metric_kind,
        dimension_name,
        dimension_value

),

totals as (

    select
        metric_date,
        metric_name,
        dimension_name,
        sum(current_numerator) as current_total_numerator,
        sum(current_denominator) as current_total_denominator,
        sum(baseline_numerator) as baseline_total_numerator,
        sum(baseline_denominator) as baseline_total_denominator,
        sum(current_detection_numerator) as current_total_detection_numerator,
        sum(baseline_detection_numerator) as baseline_total_detection_numerator
    from per_value
    group by
        metric_date,
        metric_name,
        dimension_name

),

shares as (

    -- a count's share is its part of the total; a ratio's share is its part
    -- of the denominator (the weight w of R = sum(w * r))
    select
        per_value.*,
        totals.current_total_denominator,
        totals.baseline_total_denominator,
        case
            when per_value.metric_kind = 'ratio'
                then totals.current_total_numerator / nullif(totals.current_total_denominator, 0)
            else totals.current_total_numerator
        end as current_total,
        case
            when per_value.metric_kind = 'ratio'
                then totals.baseline_total_numerator / nullif(totals.baseline_total_denominator, 0)
            else totals.baseline_total_numerator
        end as baseline_total,
        coalesce(
            case
                when per_value.metric_kind = 'ratio'
                    then per_value.current_denominator / nullif(totals.current_total_denominator, 0)
                else per_value.current_numerator / nullif(totals.current_total_numerator, 0)
            end,
            0
        ) as current_share,
        coalesce(
            case
                when per_value.metric_kind = 'ratio'
                    then per_value.baseline_denominator / nullif(totals.baseline_total_denominator, 0)
                else per_value.baseline_numerator / nullif(totals.baseline_total_numerator, 0)
            end,
            0
        ) as baseline_share,
        coalesce(per_value.current_detection_numerator / nullif(totals.current_total_detection_numerator, 0), 0)
            as current_detection_share,
        coalesce(per_value.baseline_detection_numerator / nullif(totals.baseline_total_detection_numerator, 0), 0)
            as baseline_detection_share,
        per_value.current_numerator / nullif(per_value.current_denominator, 0) as current_rate_observed,
        per_value.baseline_numerator / nullif(per_value.baseline_denominator, 0) as baseline_rate_observed,
        per_value.current_detection_numerator / nullif(per_value.current_denominator, 0)
            as current_detection_rate_observed,
        per_value.baseline_detection_numerator / nullif(per_value.baseline_denominator, 0)
            as baseline_detection_rate_observed
    from per_value
    inner join totals
        on
            per_value.metric_date = totals.metric_date
            and per_value.metric_name = totals.metric_name
            and per_value.dimension_name = totals.dimension_name

),

rates as (

    select
        *,
        coalesce(current_rate_observed, baseline_rate_observed, 0) as current_rate,
        coalesce(baseline_rate_observed, current_rate_observed, 0) as baseline_rate,
        coalesce(current_detection_rate_observed, baseline_detection_rate_observed, 0) as current_detection_rate,
        coalesce(baseline_detection_rate_observed, current_detection_rate_observed, 0) as baseline_detection_rate
    from shares

),

decomposed as (

    select
        *,
        case when metric_kind = 'ratio' then baseline_share * (current_rate - baseline_rate) end as rate_effect,
        case
            when metric_kind = 'ratio'
                then (current_share - baseline_share) * (current_rate - baseline_rate)
        end as interaction_effect,
        case
            when metric_kind = 'ratio'
                then
                    current_numerator / nullif(current_total_denominator, 0)
                    - baseline_numerator / nullif(baseline_total_denominator, 0)
            else current_numerator - baseline_numerator
        end as contribution,
        -- ranking cost (ThirdEye-style) on the detection series: a count's
        -- change of share of the total (what moved beyond the common trend),
        -- a ratio's rate effect (its own rate change at its baseline weight)
        case
            when metric_kind = 'ratio' then abs(baseline_share * (current_detection_rate - baseline_detection_rate))
            else abs(current_detection_share - baseline_detection_share)
        end as driver_score
    from rates

),

split as (

    -- mix is the rest of the contribution: (w1 - w0) * r0 whenever both
    -- denominators are positive; a numerator without a denominator (ad
    -- revenue of users with no app event that day, e.g. on a day whose app
    -- events have not all landed) is composition, so it falls in mix too
    select
        *,
        contribution - rate_effect - interaction_effect as mix_effect
    from decomposed

),

ranked as (

    select
        *,
        row_number() over (
            partition by metric_date, metric_name, dimension_name
            order by driver_score desc nulls last, dimension_value asc nulls last
        ) as driver_rank,
        sum(contribution) over (partition by metric_date, metric_name, dimension_name) as total_change
    from split

),

final as (

    select
        ranked.metric_date,
        ranked.metric_name,
        ranked.metric_kind,
        ranked.dimension_name,
        ranked.dimension_value,
        cast(baseline_weeks.baseline_weeks as {{ dbt.type_bigint() }}) as baseline_weeks,
        ranked.current_numerator,
        ranked.current_denominator,
        ranked.baseline_numerator,
        ranked.baseline_denominator,
        ranked.current_rate_observed as current_value,
        ranked.baseline_rate_observed as baseline_value,
        ranked.current_share,
        ranked.baseline_share,
        ranked.current_total,
        ranked.baseline_total,
        ranked.total_change,
        ranked.contribution,
        ranked.rate_effect,
        ranked.mix_effect,
        ranked.interaction_effect,
        ranked.contribution / nullif(ranked.total_change, 0) as share_of_total_change,
        ranked.driver_score,
        cast(ranked.driver_rank as {{ dbt.type_bigint() }}) as driver_rank
    from ranked
    inner join baseline_weeks
        on
            ranked.metric_date = baseline_weeks.metric_date
            and ranked.metric_name = baseline_weeks.metric_name
            and ranked.dimension_name = baseline_weeks.dimension_name
    where baseline_weeks.baseline_weeks > 0

)

select * from final
