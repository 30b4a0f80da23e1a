-- One row per experiment x metric x treatment variant x segment x variance reduction:
-- arm values, absolute and relative effects with (1 - alpha) intervals, Welch z p-values,
-- role-aware adjusted p-values, the guardrails' non-inferiority tests, the minimum detectable
-- effect, the pre-period balance test, the always-valid (sequential) intervals and p-value and the
-- Bayesian readout (contracts/public_marts.md sections 1 and 5).
-- The statistics are the macros in macros/statistics/; docs/experimentation.md has the formulas.
{%- set alpha = var('experiment_alpha', 0.05) %}
{%- set min_units = var('experiment_min_units_per_arm', 100) %}
{%- set prior_mean = var('experiment_prior_mean', 0) %}
{%- set prior_sd = var('experiment_prior_sd', none) %}
{#- the columns both variance reductions carry over from the pair unchanged -#}
{%- set pair_columns = [
    'experiment_id', 'metric_name', 'segment_name', 'segment_value', 'control_variant', 'treatment_variant',
    'metric_kind', 'metric_role', 'preferred_direction', 'non_inferiority_margin', 'data_source',
    'control_units', 'treatment_units', 'is_sample_sufficient', 'has_covariate', 'winsorize_cap',
    'control_mean_covariate', 'treatment_mean_covariate', 'control_variance_covariate', 'treatment_variance_covariate',
] %}
with

arms as (

    select * from {{ ref('int_experiment_arm_statistics_aggregated') }}

),

arm_estimates as (

    select
        arms.*,
        case
            when arms.metric_kind = 'quantile' then arms.quantile_value
            else {{ arm_estimate('arms.metric_kind', 'arms.sum_value', 'arms.sum_denominator', 'arms.mean_value') }}
        end as estimate,
        case
            -- quantile: from the order statistics of its interval (docs/experimentation.md, Heavy tails)
            when arms.metric_kind = 'quantile' then {{ quantile_estimate_variance(
                'arms.quantile_lower_value', 'arms.quantile_upper_value', normal_quantile(1 - alpha / 2)) }}
            else {{ arm_estimate_variance(
                'arms.metric_kind', 'arms.units', 'arms.sum_value', 'arms.sum_denominator', 'arms.mean_denominator',
                'arms.variance_value', 'arms.variance_denominator', 'arms.covariance_value_denominator') }}
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
        treatment.metric_kind,
        treatment.metric_role,
        treatment.preferred_direction,
        treatment.non_inferiority_margin,
        treatment.data_source,
        treatment.winsorize_cap,
        control.units as control_units,
        treatment.units as treatment_units,
        control.estimate as control_estimate,
        treatment.estimate as treatment_estimate,
        control.estimate_variance as control_estimate_variance,
        treatment.estimate_variance as treatment_estimate_variance,
        control.has_covariate and treatment.has_covariate as has_covariate,
        -- CUPED's outcome variance: of the linearized unit values for ratio metrics
        control.linearized_variance_value as control_variance_value,
        treatment.linearized_variance_value as treatment_variance_value,
        control.mean_covariate as control_mean_covariate,
        treatment.mean_covariate as treatment_mean_covariate,
        control.variance_covariate as control_variance_covariate,
        treatment.variance_covariate as treatment_variance_covariate,
        control.covariance_value_covariate as control_covariance_value_covariate,
        treatment.covariance_value_covariate as treatment_covariance_value_covariate,
        coalesce(
            control.units >= {{ min_units }} and treatment.units >= {{ min_units }}, false
        ) as is_sample_sufficient
    from arm_estimates as treatment
    inner join arm_estimates as control
        on treatment.experiment_id = control.experiment_id
            and treatment.metric_name = control.metric_name
            and treatment.segment_name = control.segment_name
            and treatment.segment_value = control.segment_value
            and control.is_control
    where not treatment.is_control

),

-- CUPED theta of the pair: the slope of Y on X within arms, pooled over the two arms, which
-- is the covariate coefficient of the OLS of Y on treatment and X over the pair's units
-- (Deng, Xu, Kohavi & Walker 2013; per pair as GrowthBook's regression adjustment)
cuped_pairs as (

    select
        paired.*,
        {{ cuped_theta(
            sum_about_mean('paired.control_units', 'paired.control_covariance_value_covariate') ~ ' + '
            ~ sum_about_mean('paired.treatment_units', 'paired.treatment_covariance_value_covariate'),
            sum_about_mean('paired.control_units', 'paired.control_variance_covariate') ~ ' + '
            ~ sum_about_mean('paired.treatment_units', 'paired.treatment_variance_covariate')
        ) }} as cuped_theta,
        (
            paired.control_units * paired.control_mean_covariate
            + paired.treatment_units * paired.treatment_mean_covariate
        )
        / (paired.control_units + paired.treatment_units) as pair_mean_covariate
    from paired
    where paired.has_covariate

),

estimates as (

    select
        {%- for column in pair_columns %}
            {{ column }},
        {%- endfor %}
        'none' as variance_reduction,
        cast(null as double) as cuped_theta,
        control_estimate as control_mean,
        treatment_estimate as treatment_mean,
        control_estimate as control_mean_unadjusted,
        control_estimate_variance as control_variance,
        treatment_estimate_variance as treatment_variance,
        {{ relative_effect_variance(
            'treatment_estimate', 'control_estimate', 'treatment_estimate_variance', 'control_estimate_variance') }}
            as relative_variance
    from paired
    union all
    select
        {%- for column in pair_columns %}
            {{ column }},
        {%- endfor %}
        'cuped' as variance_reduction,
        cuped_theta,
        control_estimate - cuped_theta * (control_mean_covariate - pair_mean_covariate) as control_mean,
        treatment_estimate - cuped_theta * (treatment_mean_covariate - pair_mean_covariate) as treatment_mean,
        control_estimate as control_mean_unadjusted,
        {{ cuped_arm_variance(
            'control_units', 'control_variance_value', 'control_variance_covariate',
            'control_covariance_value_covariate', 'cuped_theta') }} as control_variance,
        {{ cuped_arm_variance(
            'treatment_units', 'treatment_variance_value', 'treatment_variance_covariate',
            'treatment_covariance_value_covariate', 'cuped_theta') }} as treatment_variance,
        {{ cuped_relative_effect_variance(
            'control_units', 'treatment_units', 'control_estimate', 'treatment_estimate',
            'control_variance_value', 'control_variance_covariate', 'control_covariance_value_covariate',
            'treatment_variance_value', 'treatment_variance_covariate', 'treatment_covariance_value_covariate',
            'cuped_theta') }} as relative_variance
    from cuped_pairs

),

effects as (

    select
        estimates.*,
        estimates.treatment_mean - estimates.control_mean as absolute_effect,
        -- GrowthBook's semantics: relative to the unadjusted control mean (CUPED too)
        (estimates.treatment_mean - estimates.control_mean) / nullif(estimates.control_mean_unadjusted, 0)
            as relative_effect,
        case
            when estimates.is_sample_sufficient then sqrt(estimates.treatment_variance + estimates.control_variance)
        end
            as standard_error,
        case when estimates.is_sample_sufficient then sqrt(estimates.relative_variance) end as relative_standard_error,
        {{ normal_quantile(1 - alpha / 2) }} as critical_z,
        -- the always-valid interval's multiplier after the pair's units (macros/statistics/confidence_sequence.sql)
        {{ confidence_sequence_multiplier('estimates.control_units + estimates.treatment_units') }}
            as sequential_multiplier
    from estimates

),

tested as (

    select
        effects.*,
        -- no test for a degenerate slice, whose standard error is rounding noise
        {{ effect_z_statistic('effects.absolute_effect', 'effects.standard_error', 'effects.control_mean') }}
            as z_statistic,
        -- non-inferiority on the absolute scale with the margin times the control mean,
        -- as spotify-confidence does: H0 is a loss of at least the margin in the preferred direction
        case
            when effects.standard_error > 1e-9 * (abs(effects.control_mean) + 1)
                then (
                    case when effects.preferred_direction = 'decrease' then -1.0e0 else 1.0e0 end
                    * effects.absolute_effect
                    + effects.non_inferiority_margin * abs(effects.control_mean_unadjusted)
                ) / effects.standard_error
        end as z_non_inferiority,
        case
            when effects.is_sample_sufficient and effects.has_covariate
                then (effects.treatment_mean_covariate - effects.control_mean_covariate)
                    / nullif(sqrt(
                        effects.treatment_variance_covariate / effects.treatment_units
                        + effects.control_variance_covariate / effects.control_units
                    ), 0)
        end as z_pre_period
    from effects

),

with_p as (

    select
        tested.*,
        {{ two_sided_p_value('z_statistic') }} as p_value,
        {{ always_valid_p_value('z_statistic', 'control_units + treatment_units') }} as p_value_sequential,
        {{ normal_cdf('-z_non_inferiority') }} as p_value_non_inferiority,
        {{ two_sided_p_value('z_pre_period') }} as pre_period_p_value
    from tested

),

-- the adjustment families: per experiment x variance reduction x segment_name x metric role
ranked as (

    select
        with_p.*,
        {{ benjamini_hochberg_rank(
            'p_value',
            ['experiment_id', 'variance_reduction', 'segment_name', 'metric_role'],
            ['metric_name', 'treatment_variant', 'segment_value']) }} as family_rank,
        count(with_p.p_value) over (
            partition by with_p.experiment_id, with_p.variance_reduction, with_p.segment_name, with_p.metric_role
        ) as family_size
    from with_p

),

adjusted as (

    select
        ranked.*,
        -- primary: Bonferroni (the decision's family-wise error); secondary: Benjamini-Hochberg
        -- (exploratory); guardrail: unadjusted, its non-inferiority test decides
        case
            when ranked.p_value is null then null
            when ranked.metric_role = 'primary' then least(1.0e0, ranked.p_value * ranked.family_size)
            when ranked.metric_role = 'guardrail' then ranked.p_value
            else {{ benjamini_hochberg_adjusted(
                'p_value', 'family_rank', 'family_size',
                ['experiment_id', 'variance_reduction', 'segment_name', 'metric_role']) }}
        end as p_value_adjusted
    from ranked

),

-- Bayesian readout: the Gaussian posterior of the relative effect under GrowthBook's effect
-- prior (vars experiment_prior_mean / experiment_prior_sd; flat by default), standardised in
-- the preferred direction: win_z = s x posterior mean / posterior sd, s = -1 for decrease.
-- Only where the row has a test (z_statistic) and a relative standard error.
posterior as (

    select
        adjusted.*,
        case
            when adjusted.z_statistic is not null and adjusted.relative_standard_error > 0
                then {{ gaussian_posterior_standard_deviation('adjusted.relative_standard_error', prior_sd) }}
        end as posterior_standard_deviation,
        case
            when adjusted.z_statistic is not null and adjusted.relative_standard_error > 0
                then {{ posterior_win_z(
                    'adjusted.relative_effect', 'adjusted.relative_standard_error', 'adjusted.preferred_direction',
                    prior_mean, prior_sd) }}
        end as posterior_win_z
    from adjusted

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
        cast(case
            when metric_kind = 'ratio' then 'welch_z_delta_ratio'
            when metric_kind = 'quantile' then 'welch_z_quantile_order_statistics'
            else 'welch_z'
        end as {{ dbt.type_string() }}) as method,
        cast({{ alpha }} as double) as alpha,
        cast(metric_role as {{ dbt.type_string() }}) as metric_role,
        cast(preferred_direction as {{ dbt.type_string() }}) as preferred_direction,
        is_sample_sufficient,
        cast(non_inferiority_margin as double) as non_inferiority_margin,
        cast(p_value_non_inferiority as double) as p_value_non_inferiority,
        case when p_value_non_inferiority is not null then p_value_non_inferiority < {{ alpha }} end
            as is_non_inferior,
        cast({{ normal_cdf('posterior_win_z') }} as double) as chance_to_win,
        cast({{ posterior_expected_loss('posterior_win_z', 'posterior_standard_deviation') }} as double)
            as expected_loss,
        cast(({{ normal_quantile(1 - alpha / 2) }} + {{ normal_quantile(0.8) }}) * relative_standard_error as double)
            as mde_relative,
        cast(pre_period_p_value as double) as pre_period_p_value,
        cast(p_value_sequential as double) as p_value_sequential,
        cast(absolute_effect - sequential_multiplier * standard_error as double) as sequential_ci_lower,
        cast(absolute_effect + sequential_multiplier * standard_error as double) as sequential_ci_upper,
        cast(relative_effect - sequential_multiplier * relative_standard_error as double)
            as relative_sequential_ci_lower,
        cast(relative_effect + sequential_multiplier * relative_standard_error as double)
            as relative_sequential_ci_upper,
        cast(metric_kind as {{ dbt.type_string() }}) as metric_kind,
        cast(data_source as {{ dbt.type_string() }}) as data_source,
        cast(standard_error as double) as standard_error,
        cast(z_statistic as double) as z_statistic,
        cast(cuped_theta as double) as cuped_theta,
        cast(control_mean_unadjusted as double) as control_mean_unadjusted,
        cast(winsorize_cap as double) as winsorize_cap
    from posterior

)

select * from final
