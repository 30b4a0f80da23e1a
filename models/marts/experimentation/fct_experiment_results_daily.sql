-- One row per platform experiment x metric x treatment variant x analysis day (segment all,
-- variance reduction none): the cumulative result at the end of the day, with everything
-- observed by then (units first exposed by the day, their activity up to it), its fixed-horizon
-- and always-valid intervals (contracts/public_marts.md section 5). The monitoring view: how the
-- effect and its intervals moved while the experiment ran (docs/experimentation.md, Monitoring).
-- The arms' sufficient statistics per day are int_experiment_arm_days_accumulated's (running
-- sums over the unit-days base); the same estimate and test macros as fct_experiment_results
-- turn them into results, so the last analysis day equals fct_experiment_results' row (segment
-- all, none), tested in tests/singular/experimentation.
{%- set alpha = var('experiment_alpha', 0.05) %}
{%- set min_units = var('experiment_min_units_per_arm', 100) %}
with

arm_days as (

    select * from {{ ref('int_experiment_arm_days_accumulated') }}

),

arm_estimates as (

    select
        arm_days.*,
        {{ arm_estimate(
            'metric_kind', 'sum_value', 'sum_denominator', 'sum_value / nullif(units, 0)') }} as estimate,
        {{ arm_estimate_variance(
            'metric_kind', 'units', 'sum_value', 'sum_denominator', 'sum_denominator / nullif(units, 0)',
            sample_covariance_from_sums('units', 'sum_value', 'sum_value', 'sum_value_squared'),
            sample_covariance_from_sums('units', 'sum_denominator', 'sum_denominator', 'sum_denominator_squared'),
            sample_covariance_from_sums('units', 'sum_value', 'sum_denominator', 'sum_value_denominator')) }}
            as estimate_variance
    from arm_days

),

paired as (

    select
        treatment.experiment_id,
        treatment.metric_name,
        control.variant as control_variant,
        treatment.variant as treatment_variant,
        treatment.analysis_date,
        treatment.metric_kind,
        treatment.metric_role,
        treatment.preferred_direction,
        control.units as control_units,
        treatment.units as treatment_units,
        control.estimate as control_mean,
        treatment.estimate as treatment_mean,
        treatment.estimate - control.estimate as absolute_effect,
        (treatment.estimate - control.estimate) / nullif(control.estimate, 0) as relative_effect,
        coalesce(
            control.units >= {{ min_units }} and treatment.units >= {{ min_units }}, false
        ) as is_sample_sufficient,
        treatment.estimate_variance + control.estimate_variance as effect_variance,
        {{ relative_effect_variance(
            'treatment.estimate', 'control.estimate', 'treatment.estimate_variance', 'control.estimate_variance') }}
            as relative_variance
    from arm_estimates as treatment
    inner join arm_estimates as control
        on treatment.experiment_id = control.experiment_id
            and treatment.metric_name = control.metric_name
            and treatment.analysis_date = control.analysis_date
            and control.is_control
    where not treatment.is_control

),

effects as (

    select
        paired.*,
        case when paired.is_sample_sufficient then sqrt(paired.effect_variance) end as standard_error,
        case when paired.is_sample_sufficient then sqrt(paired.relative_variance) end as relative_standard_error,
        {{ normal_quantile(1 - alpha / 2) }} as critical_z,
        {{ confidence_sequence_multiplier('paired.control_units + paired.treatment_units') }}
            as sequential_multiplier
    from paired

),

tested as (

    select
        effects.*,
        {{ effect_z_statistic('effects.absolute_effect', 'effects.standard_error', 'effects.control_mean') }}
            as z_statistic
    from effects

),

with_p as (

    select
        tested.*,
        {{ two_sided_p_value('z_statistic') }} as p_value,
        {{ always_valid_p_value('z_statistic', 'control_units + treatment_units') }} as p_value_sequential
    from tested

),

final as (

    select
        cast(experiment_id as {{ dbt.type_string() }}) as experiment_id,
        cast(metric_name as {{ dbt.type_string() }}) as metric_name,
        cast(control_variant as {{ dbt.type_string() }}) as control_variant,
        cast(treatment_variant as {{ dbt.type_string() }}) as treatment_variant,
        cast(analysis_date as date) as analysis_date,
        cast(control_units as {{ dbt.type_bigint() }}) as control_units,
        cast(treatment_units as {{ dbt.type_bigint() }}) as treatment_units,
        cast(control_mean as double) as control_mean,
        cast(treatment_mean as double) as treatment_mean,
        cast(absolute_effect as double) as absolute_effect,
        cast(absolute_effect - critical_z * standard_error as double) as absolute_ci_lower,
        cast(absolute_effect + critical_z * standard_error as double) as absolute_ci_upper,
        cast(relative_effect as double) as relative_effect,
        cast(relative_effect - critical_z * relative_standard_error as double) as relative_ci_lower,
        cast(relative_effect + critical_z * relative_standard_error as double) as relative_ci_upper,
        cast(p_value as double) as p_value,
        cast(absolute_effect - sequential_multiplier * standard_error as double) as sequential_ci_lower,
        cast(absolute_effect + sequential_multiplier * standard_error as double) as sequential_ci_upper,
        cast(relative_effect - sequential_multiplier * relative_standard_error as double)
            as relative_sequential_ci_lower,
        cast(relative_effect + sequential_multiplier * relative_standard_error as double)
            as relative_sequential_ci_upper,
        cast(p_value_sequential as double) as p_value_sequential,
        is_sample_sufficient,
        cast(standard_error as double) as standard_error,
        cast(metric_kind as {{ dbt.type_string() }}) as metric_kind,
        cast(metric_role as {{ dbt.type_string() }}) as metric_role,
        cast(preferred_direction as {{ dbt.type_string() }}) as preferred_direction,
        cast({{ alpha }} as double) as alpha
    from with_p

)

select * from final
