-- One row per catalog metric x randomization unit: what the last 28 days of data say about a
-- test on the metric before it starts (contracts/public_marts.md section 5): the baseline mean
-- and variance of one unit's value, the variance CUPED would leave, the units a test would
-- expose per day, and the days needed to detect a 1, 2 or 5 % relative effect with 80 % power
-- at alpha, two-sided, two arms 50/50. The units and their values are
-- int_experiment_planning_units_summed's (an experiment over the window, each unit exposed at
-- its first activity); the formulas are in docs/experimentation.md, Power planning.
{%- set alpha = var('experiment_alpha', 0.05) %}
{%- set power = 0.8 %}
{%- set relative_mdes = [['1pct', '1.0e-2'], ['2pct', '2.0e-2'], ['5pct', '5.0e-2']] %}

with

catalog as (

    select * from {{ ref('experiment_metric_catalog') }}

),

planning_units as (

    select * from {{ ref('int_experiment_planning_units_summed') }}

),

-- the window's days (28, set by int_experiment_planning_units_summed)
planning_window as (

    select
        min(window_start_date) as window_start_date,
        max(window_end_date) as window_end_date,
        max(window_days) as window_days
    from planning_units

),

-- one row per metric and unit kind (a metric listed under several domains is one row); the
-- quantile metrics are left out: their variance is not a unit variance over n (Heavy tails)
catalog_metrics as (

    select distinct
        metric_name,
        metric_kind,
        randomization_unit,
        covariate_definition <> 'none' as has_covariate
    from catalog
    where metric_kind <> 'quantile'

),

-- each unit's value of each metric of its kind, as int_experiment_unit_metrics_computed
-- computes it: the window's numerator and denominator, the pre-period covariate
unit_values as (

    select
        catalog_metrics.metric_name,
        catalog_metrics.randomization_unit,
        {{ experiment_metric_numerator('catalog_metrics.metric_name', 'planning_units') }} as numerator,
        cast({{ experiment_metric_denominator('catalog_metrics.metric_name', 'planning_units') }} as double)
            as denominator,
        case
            when catalog_metrics.has_covariate
                then {{ experiment_metric_numerator('catalog_metrics.metric_name', 'planning_units', 'pre_period') }}
        end as covariate
    from catalog_metrics
    inner join planning_units
        on catalog_metrics.randomization_unit = planning_units.randomization_unit

),

moments as (

    select
        metric_name,
        randomization_unit,
        count(*) as units,
        sum(numerator) as sum_value,
        sum(denominator) as sum_denominator,
        avg(numerator) as mean_value,
        avg(denominator) as mean_denominator,
        var_samp(numerator) as variance_value,
        var_samp(denominator) as variance_denominator,
        covar_samp(numerator, denominator) as covariance_value_denominator,
        var_samp(covariate) as variance_covariate,
        covar_samp(numerator, covariate) as covariance_value_covariate
    from unit_values
    group by metric_name, randomization_unit

),

-- A ratio metric's unit variance is the variance of its linearized value (Y - R N) / mean(N),
-- the delta-method variance times n, so that the estimate's variance is variance / units for
-- both kinds (Deng, Knoblich & Lu 2018)
baselines as (

    select
        catalog_metrics.metric_name,
        catalog_metrics.randomization_unit,
        catalog_metrics.metric_kind,
        catalog_metrics.has_covariate,
        coalesce(moments.units, 0) as units,
        planning_window.window_start_date,
        planning_window.window_end_date,
        case
            when catalog_metrics.metric_kind = 'ratio' then moments.sum_value / nullif(moments.sum_denominator, 0)
            else moments.mean_value
        end as baseline_mean,
        case
            when catalog_metrics.metric_kind = 'ratio' then {{ ratio_delta_variance(
                '1.0e0', 'moments.sum_value / nullif(moments.sum_denominator, 0)', 'moments.mean_denominator',
                'moments.variance_value', 'moments.variance_denominator',
                'moments.covariance_value_denominator') }}
            else moments.variance_value
        end as baseline_variance,
        -- var(Y - theta X) at the optimal theta = cov(Y, X) / var(X): var(Y) (1 - rho^2)
        case
            when catalog_metrics.has_covariate and catalog_metrics.metric_kind <> 'ratio'
                then moments.variance_value - coalesce(
                        moments.covariance_value_covariate * moments.covariance_value_covariate
                        / nullif(moments.variance_covariate, 0),
                        0.0e0
                    )
        end as cuped_variance,
        moments.units / cast(planning_window.window_days as double) as units_per_day,
        {{ power_multiplier(alpha, power) }} as power_multiplier
    from catalog_metrics
    cross join planning_window
    left join moments
        on catalog_metrics.metric_name = moments.metric_name
            and catalog_metrics.randomization_unit = moments.randomization_unit

),

final as (

    select
        cast(baselines.metric_name as {{ dbt.type_string() }}) as metric_name,
        cast(baselines.randomization_unit as {{ dbt.type_string() }}) as randomization_unit,
        cast(baselines.metric_kind as {{ dbt.type_string() }}) as metric_kind,
        cast(baselines.baseline_mean as double) as baseline_mean,
        cast(baselines.baseline_variance as double) as baseline_variance,
        cast(baselines.cuped_variance as double) as cuped_variance,
        cast(baselines.units_per_day as double) as units_per_day,
        {%- for label, relative_mde in relative_mdes %}
            cast({{ days_needed_for_relative_mde(
                relative_mde, 'baselines.baseline_mean', 'baselines.baseline_variance', 'baselines.units_per_day',
                'baselines.power_multiplier') }} as double) as days_needed_{{ label }},
        {%- endfor %}
        cast(baselines.units as {{ dbt.type_bigint() }}) as units,
        baselines.window_start_date,
        baselines.window_end_date,
        cast({{ alpha }} as double) as alpha,
        cast({{ power }} as double) as target_power
    from baselines

)

select * from final
