-- Sufficient statistics per experiment x metric x segment x variant: units, sums, means,
-- sample variances and covariances of the numerator Y, the denominator N and the pre-period
-- covariate X, from the engines' variance aggregates (deviations from the running mean keep
-- their digits, where sum(x * x) - n * mean^2 would not). Every analysed unit counts, ratio
-- metrics included: a unit with denominator 0 is a unit of the arm, as in GrowthBook and
-- Statsig. Platform experiments (int_experiment_unit_metrics_computed) and imported ones
-- (int_experiment_imports_validated) share the path; fct_experiment_results pairs the arms
-- and derives CUPED from these moments (theta per control-treatment pair). Ratio metrics carry the
-- moments of their linearized unit values for CUPED (covariate columns and
-- linearized_variance_value); quantile metrics carry their quantile and the two order
-- statistics of its interval (docs/experimentation.md, "Heavy tails").
-- A table: fct_experiment_results reads it twice (treatment and control) and its tests once each.
{{ config(materialized='table') }}
{%- set alpha = var('experiment_alpha', 0.05) %}
with

platform_units as (

    select * from {{ ref('int_experiment_unit_metrics_computed') }}

),

imported_units as (

    select * from {{ ref('int_experiment_imports_validated') }}
    where not is_in_multiple_variants

),

imported_kinds as (

    select
        experiment_id,
        metric_name,
        case when max(abs(denominator - 1.0e0)) > 0 then 'ratio' else 'mean' end as metric_kind,
        coalesce(count(covariate) = count(*), false) as has_covariate
    from imported_units
    group by experiment_id, metric_name

),

unit_values as (

    select
        experiment_id,
        unit_id,
        variant,
        is_control,
        metric_name,
        metric_kind,
        metric_role,
        preferred_direction,
        non_inferiority_margin,
        'platform' as data_source,
        numerator,
        denominator,
        covariate,
        covariate_denominator,
        winsorize_cap,
        quantile_level,
        country,
        platform,
        tier
    from platform_units
    union all
    select
        imported_units.experiment_id,
        imported_units.unit_id,
        imported_units.variant,
        imported_units.is_control,
        imported_units.metric_name,
        imported_kinds.metric_kind,
        imported_units.metric_role,
        imported_units.preferred_direction,
        imported_units.non_inferiority_margin,
        'import' as data_source,
        imported_units.numerator,
        imported_units.denominator,
        -- a covariate on only some units of a metric is not used (CUPED needs it on all)
        case when imported_kinds.has_covariate then imported_units.covariate end as covariate,
        -- an import has no pre-period denominator: its ratio metrics get no CUPED
        case when imported_kinds.metric_kind <> 'ratio' then 1.0e0 end as covariate_denominator,
        cast(null as double) as winsorize_cap,
        cast(null as double) as quantile_level,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_string() }}) as platform,
        cast(null as {{ dbt.type_string() }}) as tier
    from imported_units
    inner join imported_kinds
        on imported_units.experiment_id = imported_kinds.experiment_id
            and imported_units.metric_name = imported_kinds.metric_name

),

segmented as (

    {%- for segment in ['all', 'country', 'platform', 'tier'] %}
        select
            experiment_id,
            variant,
            is_control,
            metric_name,
            metric_kind,
            metric_role,
            preferred_direction,
            non_inferiority_margin,
            data_source,
            numerator,
            denominator,
            covariate,
            covariate_denominator,
            winsorize_cap,
            quantile_level,
            '{{ segment }}' as segment_name,
            {{ "'all'" if segment == 'all' else segment }} as segment_value
        from unit_values
        {%- if segment != 'all' %}
            where {{ segment }} is not null
        {%- endif %}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

-- quantile metrics: each unit's rank in its arm (per segment value)
quantile_ranked as (

    select
        experiment_id,
        metric_name,
        segment_name,
        segment_value,
        variant,
        quantile_level,
        numerator,
        row_number() over (
            partition by experiment_id, metric_name, segment_name, segment_value, variant
            order by numerator asc nulls last
        ) as value_rank,
        count(*) over (partition by experiment_id, metric_name, segment_name, segment_value, variant) as arm_units,
        {{ normal_quantile(1 - alpha / 2) }} as critical_z
    from segmented
    where metric_kind = 'quantile'

),

-- the arm's sample quantile and the order statistics bounding its (1 - alpha) interval
quantile_arms as (

    select
        experiment_id,
        metric_name,
        segment_name,
        segment_value,
        variant,
        {{ linear_interpolated_quantile('numerator', 'value_rank', 'arm_units', 'quantile_level') }}
            as quantile_value,
        max(case
            when value_rank = {{ quantile_interval_lower_rank('arm_units', 'quantile_level', 'critical_z') }}
                then numerator
        end) as quantile_lower_value,
        max(case
            when value_rank = {{ quantile_interval_upper_rank('arm_units', 'quantile_level', 'critical_z') }}
                then numerator
        end) as quantile_upper_value
    from quantile_ranked
    group by experiment_id, metric_name, segment_name, segment_value, variant

),

arm_moments as (

    select
        experiment_id,
        metric_name,
        segment_name,
        segment_value,
        variant,
        is_control,
        metric_kind,
        metric_role,
        preferred_direction,
        non_inferiority_margin,
        data_source,
        count(*) as units,
        sum(numerator) as sum_numerator,
        sum(denominator) as sum_denominator,
        count(covariate) as covariate_units,
        count(covariate_denominator) as covariate_denominator_units,
        sum(covariate) as sum_covariate,
        sum(covariate_denominator) as sum_covariate_denominator,
        avg(numerator) as mean_numerator,
        avg(denominator) as mean_denominator,
        avg(covariate) as mean_covariate,
        avg(covariate_denominator) as mean_covariate_denominator,
        var_samp(numerator) as variance_numerator,
        var_samp(denominator) as variance_denominator,
        var_samp(covariate) as variance_covariate,
        var_samp(covariate_denominator) as variance_covariate_denominator,
        covar_samp(numerator, denominator) as covariance_numerator_denominator,
        covar_samp(numerator, covariate) as covariance_numerator_covariate,
        -- the cross moments of the ratio metrics' linearized values
        covar_samp(numerator, covariate_denominator) as covariance_numerator_covariate_denominator,
        covar_samp(denominator, covariate) as covariance_denominator_covariate,
        covar_samp(denominator, covariate_denominator) as covariance_denominator_covariate_denominator,
        covar_samp(covariate, covariate_denominator) as covariance_covariate_covariate_denominator,
        max(winsorize_cap) as winsorize_cap,
        max(quantile_level) as quantile_level
    from segmented
    group by
        experiment_id,
        metric_name,
        segment_name,
        segment_value,
        variant,
        is_control,
        metric_kind,
        metric_role,
        preferred_direction,
        non_inferiority_margin,
        data_source

),

-- the arm's ratios (ratio metrics: outcome and pre-period covariate) and quantiles
arm_ratios as (

    select
        arm_moments.*,
        arm_moments.sum_numerator / nullif(arm_moments.sum_denominator, 0) as outcome_ratio,
        arm_moments.sum_covariate / nullif(arm_moments.sum_covariate_denominator, 0) as covariate_ratio,
        {{ linearized_ratio_covariance(
            'arm_moments.variance_covariate', 'arm_moments.covariance_covariate_covariate_denominator',
            'arm_moments.covariance_covariate_covariate_denominator', 'arm_moments.variance_covariate_denominator',
            'arm_moments.sum_covariate / nullif(arm_moments.sum_covariate_denominator, 0)',
            'arm_moments.sum_covariate / nullif(arm_moments.sum_covariate_denominator, 0)',
            'arm_moments.mean_covariate_denominator', 'arm_moments.mean_covariate_denominator') }}
            as linearized_variance_covariate,
        quantile_arms.quantile_value,
        quantile_arms.quantile_lower_value,
        quantile_arms.quantile_upper_value
    from arm_moments
    left join quantile_arms
        on arm_moments.experiment_id = quantile_arms.experiment_id
            and arm_moments.metric_name = quantile_arms.metric_name
            and arm_moments.segment_name = quantile_arms.segment_name
            and arm_moments.segment_value = quantile_arms.segment_value
            and arm_moments.variant = quantile_arms.variant

),

final as (

    select
        experiment_id,
        metric_name,
        segment_name,
        segment_value,
        variant,
        is_control,
        metric_kind,
        metric_role,
        preferred_direction,
        cast(non_inferiority_margin as double) as non_inferiority_margin,
        data_source,
        cast(units as {{ dbt.type_bigint() }}) as units,
        cast(sum_numerator as double) as sum_value,
        cast(sum_denominator as double) as sum_denominator,
        cast(mean_numerator as double) as mean_value,
        cast(mean_denominator as double) as mean_denominator,
        cast(variance_numerator as double) as variance_value,
        cast(variance_denominator as double) as variance_denominator,
        cast(covariance_numerator_denominator as double) as covariance_value_denominator,
        -- CUPED needs the covariate on every unit of the arm; a ratio metric also its pre-period
        -- denominator, with a positive mean
        coalesce(
            covariate_units = units
            and (metric_kind <> 'ratio' or (covariate_denominator_units = units and mean_covariate_denominator > 0)),
            false
        ) as has_covariate,
        -- CUPED's moments of Y and X: the unit values' own, or for a ratio metric those of the
        -- linearized values (macro linearized_ratio_covariance), whose arm means are the ratios
        cast(case
            when metric_kind = 'ratio' then {{ linearized_ratio_covariance(
                'variance_numerator', 'covariance_numerator_denominator', 'covariance_numerator_denominator',
                'variance_denominator', 'outcome_ratio', 'outcome_ratio', 'mean_denominator', 'mean_denominator') }}
            else variance_numerator
        end as double) as linearized_variance_value,
        cast(case when metric_kind = 'ratio' then covariate_ratio else mean_covariate end as double)
            as mean_covariate,
        -- a linearized covariate without variation (e.g. one unit with pre-period activity)
        -- comes out as rounding noise of its terms: 0, so that CUPED's theta is 0, not noise / noise
        cast(case
            when metric_kind <> 'ratio' then variance_covariate
            when linearized_variance_covariate
                <= 1e-12 * (variance_covariate + covariate_ratio * covariate_ratio * variance_covariate_denominator)
                / nullif(mean_covariate_denominator * mean_covariate_denominator, 0)
                then 0.0e0
            else linearized_variance_covariate
        end as double) as variance_covariate,
        cast(case
            when metric_kind = 'ratio' then {{ linearized_ratio_covariance(
                'covariance_numerator_covariate', 'covariance_numerator_covariate_denominator',
                'covariance_denominator_covariate', 'covariance_denominator_covariate_denominator',
                'outcome_ratio', 'covariate_ratio', 'mean_denominator', 'mean_covariate_denominator') }}
            else covariance_numerator_covariate
        end as double) as covariance_value_covariate,
        cast(winsorize_cap as double) as winsorize_cap,
        cast(quantile_level as double) as quantile_level,
        cast(quantile_value as double) as quantile_value,
        cast(quantile_lower_value as double) as quantile_lower_value,
        cast(quantile_upper_value as double) as quantile_upper_value
    from arm_ratios

)

select * from final
