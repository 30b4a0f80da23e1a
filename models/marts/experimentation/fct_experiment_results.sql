-- One row per experiment x metric x treatment variant x segment x variance reduction:
-- arm values, absolute and relative effects with (1 - alpha) intervals, Welch z p-values and
-- Benjamini-Hochberg adjusted p-values (contracts/public_marts.md section 1). The statistics
-- are the macros in macros/statistics/; docs/experimentation.md has the formulas.
{%- set alpha = var('experiment_alpha', 0.05) %}
with

arms as (

    select * from {{ ref('int_experiment_arm_statistics_aggregated') }}

),

arm_estimates as (

    select
        arms.*,
        case
            when arms.metric_kind = 'ratio' then arms.sum_value / nullif(arms.sum_denominator, 0)
            else arms.mean_value
        end as estimate,
        case
            when arms.metric_kind = 'ratio' then {{ ratio_delta_variance(
                'units', 'sum_value / nullif(sum_denominator, 0)', 'mean_denominator',
                'variance_value', 'variance_denominator', 'covariance_value_denominator') }}
            else arms.variance_value / nullif(arms.units, 0)
        end as estimate_variance
    from arms

),

paired as (

    select
        treatment.experiment_id,
        treatment.metric_name,
        treatment.segment_name,
        treatment.segment_value,
        control.variant as control_variant,
        treatment.variant as treatment_variant,
        control.units as control_units,
        treatment.units as treatment_units,
        control.estimate as control_mean,
        treatment.estimate as treatment_mean,
        control.estimate_variance as control_variance,
        treatment.estimate_variance as treatment_variance,
        treatment.variance_reduction,
        treatment.metric_kind,
        treatment.metric_role,
        treatment.data_source,
        treatment.cuped_theta
    from arm_estimates as treatment
    inner join arm_estimates as control
        on treatment.experiment_id = control.experiment_id
            and treatment.metric_name = control.metric_name
            and treatment.segment_name = control.segment_name
            and treatment.segment_value = control.segment_value
            and treatment.variance_reduction = control.variance_reduction
            and control.is_control
    where
        not treatment.is_control
        and treatment.units >= 2
        and control.units >= 2

),

effects as (

    select
        paired.*,
        paired.treatment_mean - paired.control_mean as absolute_effect,
        sqrt(paired.treatment_variance + paired.control_variance) as standard_error,
        (paired.treatment_mean - paired.control_mean) / nullif(paired.control_mean, 0) as relative_effect,
        sqrt({{ relative_effect_variance('treatment_mean', 'control_mean', 'treatment_variance', 'control_variance') }})
            as relative_standard_error,
        {{ normal_quantile(1 - alpha / 2) }} as critical_z
    from paired

),

tested as (

    select
        effects.*,
        -- a degenerate slice (no variation left, e.g. CUPED with a perfect
        -- covariate on 3 units) has a standard error of rounding noise; its
        -- z would be noise / noise, different from run to run: no test
        case
            when effects.standard_error > 1e-9 * (abs(effects.control_mean) + 1)
                then effects.absolute_effect / effects.standard_error
        end as z_statistic
    from effects

),

with_p as (

    select
        tested.*,
        {{ two_sided_p_value('z_statistic') }} as p_value
    from tested

),

ranked as (

    select
        with_p.*,
        {{ benjamini_hochberg_rank(
            'p_value',
            ['experiment_id', 'variance_reduction', 'segment_name'],
            ['metric_name', 'treatment_variant', 'segment_value']) }} as family_rank,
        count(with_p.p_value) over (
            partition by with_p.experiment_id, with_p.variance_reduction, with_p.segment_name
        ) as family_size
    from with_p

),

adjusted as (

    select
        ranked.*,
        case when ranked.p_value is not null then {{ benjamini_hochberg_adjusted(
            'p_value', 'family_rank', 'family_size',
            ['experiment_id', 'variance_reduction', 'segment_name']) }} end as p_value_adjusted
    from ranked

),

final as (

    select
        cast(experiment_id as {{ dbt.type_string() }}) as experiment_id,
        cast(metric_name as {{ dbt.type_string() }}) as metric_name,
        cast(segment_name as {{ dbt.type_string() }}) as segment_name,
        cast(segment_value as {{ dbt.type_string() }}) as segment_value,
        cast(control_variant as {{ dbt.type_string() }}) as control_variant,
        cast(treatment_variant as {{ dbt.type_string() }}) as treatment_variant,
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
        cast(p_value_adjusted as double) as p_value_adjusted,
        coalesce(p_value_adjusted < {{ alpha }}, false) as is_significant,
        cast(variance_reduction as {{ dbt.type_string() }}) as variance_reduction,
        cast(case when metric_kind = 'ratio' then 'welch_z_delta_ratio' else 'welch_z' end as {{ dbt.type_string() }})
            as method,
        cast({{ alpha }} as double) as alpha,
        cast(metric_kind as {{ dbt.type_string() }}) as metric_kind,
        cast(metric_role as {{ dbt.type_string() }}) as metric_role,
        cast(data_source as {{ dbt.type_string() }}) as data_source,
        cast(standard_error as double) as standard_error,
        cast(z_statistic as double) as z_statistic,
        cast(cuped_theta as double) as cuped_theta
    from adjusted

)

select * from final
