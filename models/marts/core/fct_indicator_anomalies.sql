-- One row per monitored indicator x dimension value x day: the expected
-- value from a seasonal, trend-adjusted, robust baseline, bounds, a score
-- and an anomaly flag (docs/core_indicators.md). The series scored is
-- fct_core_indicators.detection_value (value itself, winsorised revenue for
-- the heavy-tailed money indicators); 'value' below means that series.
--   * log scale: the indicators move multiplicatively (growth, weekday).
--   * weekly growth g = median of the week-over-week log changes inside the
--     trailing training window (var anomaly_training_weeks, default 4).
--   * expected log value = median over the same weekday 1..W weeks earlier
--     of (log value + k * g), k = weeks back: a seasonal naive forecast,
--     robust to a past anomaly (one point of the median).
--   * scale = max(1.4826 * MAD of the week-over-week changes, their
--     tail_quantile-th absolute deviation / z(tail_quantile), a floor): MAD is
--     the robust spread; the quantile term widens it for heavy-tailed series.
--   * score = (log value - expected) / scale; flag when |score| > sensitivity
--     and the deviation also exceeds sampling_sensitivity sampling standard
--     errors of the value under the baseline (the median sampling variance of
--     the training points: Poisson / binomial / compound Poisson, when known).
-- Vars (defaults in macros/core/core_anomaly_settings.sql): anomaly_sensitivity,
-- anomaly_training_weeks, anomaly_min_training_points, anomaly_scale_floor,
-- anomaly_tail_quantile, anomaly_sampling_sensitivity (and
-- anomaly_revenue_winsor_quantile, applied in int_ad_activity_sliced).
{% set weeks = core_anomaly_setting('anomaly_training_weeks') %}
{% set tail_quantile = core_anomaly_setting('anomaly_tail_quantile') %}
with

indicators as (

    select * from {{ ref('fct_core_indicators') }}

),

indicator_catalog as (

    select * from {{ ref('core_indicator_catalog') }}

),

monitored as (

    select
        indicators.metric_date,
        indicators.domain,
        indicators.metric_name,
        indicators.dimension_name,
        indicators.dimension_value,
        indicators.value,
        indicators.detection_value,
        indicators.sampling_variance,
        indicator_catalog.direction,
        indicator_catalog.noise_model,
        {{ days_between("cast('2000-01-03' as date)", 'indicators.metric_date') }} as day_number,
        case when indicators.detection_value > 0 then ln(indicators.detection_value) end as log_value
    from indicators
    inner join indicator_catalog
        on indicators.metric_name = indicator_catalog.metric_name
    where
        indicator_catalog.is_anomaly_monitored
        and indicators.is_window_complete
        and indicators.detection_value is not null

),

-- week-over-week log change at each day with a positive value on both days
week_over_week as (

    select
        current_day.metric_name,
        current_day.dimension_name,
        current_day.dimension_value,
        current_day.day_number,
        current_day.log_value - week_before.log_value as log_change
    from monitored as current_day
    inner join monitored as week_before
        on
            current_day.metric_name = week_before.metric_name
            and current_day.dimension_name = week_before.dimension_name
            and current_day.dimension_value = week_before.dimension_value
            and current_day.day_number - 7 = week_before.day_number
    where
        current_day.log_value is not null
        and week_before.log_value is not null

),

-- the changes whose both days lie in the scored day's training window
training_changes as (

    select
        scored.metric_name,
        scored.dimension_name,
        scored.dimension_value,
        scored.day_number,
        week_over_week.log_change
    from monitored as scored
    inner join week_over_week
        on
            scored.metric_name = week_over_week.metric_name
            and scored.dimension_name = week_over_week.dimension_name
            and scored.dimension_value = week_over_week.dimension_value
            and scored.day_number > week_over_week.day_number
            and scored.day_number - {{ 7 * weeks }} + 7 <= week_over_week.day_number

),

growth as (

    select
        metric_name,
        dimension_name,
        dimension_value,
        day_number,
        median(log_change) as weekly_log_growth,
        cast(count(*) as {{ dbt.type_bigint() }}) as training_changes
    from training_changes
    group by
        metric_name,
        dimension_name,
        dimension_value,
        day_number

),

change_deviations as (

    select
        training_changes.metric_name,
        training_changes.dimension_name,
        training_changes.dimension_value,
        training_changes.day_number,
        abs(training_changes.log_change - growth.weekly_log_growth) as absolute_deviation
    from training_changes
    inner join growth
        on
            training_changes.metric_name = growth.metric_name
            and training_changes.dimension_name = growth.dimension_name
            and training_changes.dimension_value = growth.dimension_value
            and training_changes.day_number = growth.day_number

),

spread as (

    select
        metric_name,
        dimension_name,
        dimension_value,
        day_number,
        median(absolute_deviation) as median_absolute_deviation,
        percentile_cont({{ tail_quantile }}) within group (order by absolute_deviation) as tail_deviation
    from change_deviations
    group by
        metric_name,
        dimension_name,
        dimension_value,
        day_number

),

-- same weekday 1..W weeks earlier, projected to the scored day by the growth
projected as (

    select
        scored.metric_name,
        scored.dimension_name,
        scored.dimension_value,
        scored.day_number,
        training.log_value
        + case
            when scored.noise_model = 'binomial' then 0
            else (scored.day_number - training.day_number) / 7 * growth.weekly_log_growth
        end as projected_log_value,
        training.sampling_variance
    from monitored as scored
    inner join monitored as training
        on
            scored.metric_name = training.metric_name
            and scored.dimension_name = training.dimension_name
            and scored.dimension_value = training.dimension_value
            and scored.day_number > training.day_number
            and scored.day_number - {{ 7 * weeks }} <= training.day_number
            and (scored.day_number - training.day_number) - 7 * floor((scored.day_number - training.day_number) / 7) = 0
    inner join growth
        on
            scored.metric_name = growth.metric_name
            and scored.dimension_name = growth.dimension_name
            and scored.dimension_value = growth.dimension_value
            and scored.day_number = growth.day_number
    where training.log_value is not null

),

baseline as (

    select
        metric_name,
        dimension_name,
        dimension_value,
        day_number,
        median(projected_log_value) as expected_log_value,
        median(sampling_variance) as baseline_sampling_variance,
        cast(count(*) as {{ dbt.type_bigint() }}) as training_points
    from projected
    group by
        metric_name,
        dimension_name,
        dimension_value,
        day_number

),

scored as (

    select
        monitored.metric_date,
        monitored.domain,
        monitored.metric_name,
        monitored.dimension_name,
        monitored.dimension_value,
        monitored.direction,
        monitored.value,
        monitored.detection_value,
        monitored.log_value,
        baseline.baseline_sampling_variance,
        baseline.expected_log_value,
        coalesce(baseline.training_points, 0) as training_points,
        growth.weekly_log_growth,
        greatest(
            1.4826 * spread.median_absolute_deviation,
            spread.tail_deviation / {{ normal_quantile('(1.0e0 + ' ~ tail_quantile ~ ') / 2.0e0') }},
            {{ core_anomaly_setting('anomaly_scale_floor') }}
        ) as scale
    from monitored
    left join baseline
        on
            monitored.metric_name = baseline.metric_name
            and monitored.dimension_name = baseline.dimension_name
            and monitored.dimension_value = baseline.dimension_value
            and monitored.day_number = baseline.day_number
            and baseline.training_points >= {{ core_anomaly_setting('anomaly_min_training_points') }}
    left join growth
        on
            monitored.metric_name = growth.metric_name
            and monitored.dimension_name = growth.dimension_name
            and monitored.dimension_value = growth.dimension_value
            and monitored.day_number = growth.day_number
            and growth.training_changes >= {{ core_anomaly_setting('anomaly_min_training_points') }}
    left join spread
        on
            monitored.metric_name = spread.metric_name
            and monitored.dimension_name = spread.dimension_name
            and monitored.dimension_value = spread.dimension_value
            and monitored.day_number = spread.day_number

),

judged as (

    select
        *,
        exp(expected_log_value) as expected_value,
        (log_value - expected_log_value) / scale as anomaly_score,
        -- the scale is estimated from the week-over-week changes, so a
        -- binomial series (no growth term) also needs the minimum of them
        expected_log_value is not null
        and weekly_log_growth is not null
        and scale is not null
        and log_value is not null as is_scored
    from scored

),

final as (

    select
        metric_date,
        domain,
        metric_name,
        dimension_name,
        dimension_value,
        value,
        detection_value,
        expected_value,
        exp(expected_log_value - {{ core_anomaly_setting('anomaly_sensitivity') }} * scale) as lower_bound,
        exp(expected_log_value + {{ core_anomaly_setting('anomaly_sensitivity') }} * scale) as upper_bound,
        case when is_scored then anomaly_score end as anomaly_score,
        scale as log_scale,
        weekly_log_growth,
        cast(training_points as {{ dbt.type_bigint() }}) as training_points,
        sqrt(baseline_sampling_variance) as sampling_standard_error,
        coalesce(
            is_scored
            and abs(anomaly_score) > {{ core_anomaly_setting('anomaly_sensitivity') }}
            and (
                baseline_sampling_variance is null
                or abs(detection_value - expected_value)
                > {{ core_anomaly_setting('anomaly_sampling_sensitivity') }} * sqrt(baseline_sampling_variance)
            ),
            false
        ) as is_anomaly,
        case
            when not is_scored then 'not_scored'
            when anomaly_score > 0 then 'spike'
            else 'drop'
        end as anomaly_direction,
        case
            when not is_scored then null
            when (anomaly_score > 0) = (direction = 'higher_is_better') then 'good'
            else 'bad'
        end as change_assessment
    from judged

)

select * from final
