-- Invariant: the last analysis day of fct_experiment_results_daily is the experiment's result:
-- for every platform experiment x metric x treatment variant, its row on the last day equals
-- fct_experiment_results' row (segment all, variance reduction none) in units exactly and in
-- every mean, effect, interval and p-value to 1e-9 (relative, or absolute near 0), nulls in
-- the same places, and neither mart has a key the other lacks. Why: the daily mart adds up
-- the unit-days base day by day with running sums while the results read the unit sums; the
-- two paths must meet, so the monitoring view ends where the readout starts.
-- Metrics the results cap (catalog winsorize_quantile) are left out: the daily mart sums the
-- uncapped unit values (a cap is a quantile of the whole window, not of a day's running totals).
-- Returns the keys that differ, with both rows' values.
{%- set compared = ['control_mean', 'treatment_mean', 'absolute_effect', 'absolute_ci_lower', 'absolute_ci_upper',
                    'relative_effect', 'relative_ci_lower', 'relative_ci_upper', 'p_value',
                    'sequential_ci_lower', 'sequential_ci_upper', 'relative_sequential_ci_lower',
                    'relative_sequential_ci_upper', 'p_value_sequential'] %}
with

capped_metrics as (

    select distinct metric_name
    from {{ ref('experiment_metric_catalog') }}
    where winsorize_quantile is not null

),

daily as (

    select * from {{ ref('fct_experiment_results_daily') }}
    where metric_name not in (select capped_metrics.metric_name from capped_metrics)

),

results as (

    select * from {{ ref('fct_experiment_results') }}
    where
        segment_name = 'all' and variance_reduction = 'none' and data_source = 'platform'
        and metric_kind <> 'quantile'
        and metric_name not in (select capped_metrics.metric_name from capped_metrics)

),

last_days as (

    select
        experiment_id,
        metric_name,
        treatment_variant,
        max(analysis_date) as analysis_date
    from daily
    group by experiment_id, metric_name, treatment_variant

),

last_rows as (

    select daily.*
    from daily
    inner join last_days
        on daily.experiment_id = last_days.experiment_id
            and daily.metric_name = last_days.metric_name
            and daily.treatment_variant = last_days.treatment_variant
            and daily.analysis_date = last_days.analysis_date

),

compared as (

    select
        coalesce(last_rows.experiment_id, results.experiment_id) as experiment_id,
        coalesce(last_rows.metric_name, results.metric_name) as metric_name,
        coalesce(last_rows.treatment_variant, results.treatment_variant) as treatment_variant,
        last_rows.experiment_id is not null as has_daily,
        results.experiment_id is not null as has_result,
        last_rows.control_units as daily_control_units,
        results.control_units as result_control_units,
        last_rows.treatment_units as daily_treatment_units,
        results.treatment_units as result_treatment_units,
        {%- for column in compared %}
            last_rows.{{ column }} as daily_{{ column }},
            results.{{ column }} as result_{{ column }},
        {%- endfor %}
        (
            false
            {%- for column in compared %}
                or (last_rows.{{ column }} is null) <> (results.{{ column }} is null)
                or abs(last_rows.{{ column }} - results.{{ column }})
                > 1e-9 * greatest(1.0e0, abs(results.{{ column }}))
            {%- endfor %}
        ) as has_difference
    from last_rows
    full outer join results
        on last_rows.experiment_id = results.experiment_id
            and last_rows.metric_name = results.metric_name
            and last_rows.treatment_variant = results.treatment_variant

),

final as (

    select *
    from compared
    where
        not has_daily
        or not has_result
        or daily_control_units <> result_control_units
        or daily_treatment_units <> result_treatment_units
        or has_difference

)

select * from final
