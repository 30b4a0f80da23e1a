-- Sufficient statistics per experiment x metric x segment x variance reduction x variant:
-- units, sums, means, sample variances and the numerator-denominator covariance, from the
-- engines' variance aggregates (deviations from the running mean: they keep their digits,
-- where sum(x * x) - n * mean^2 would not). Platform experiments
-- (int_experiment_unit_metrics_computed) and imported ones (int_experiment_imports_validated)
-- share the same path. CUPED rows adjust Y by theta * (X - mean X), theta = cov(Y, X) / var(X)
-- pooled over all arms of the experiment x metric x segment; only mean metrics get them.
-- A table: fct_experiment_results reads it twice (treatment and control) and its tests once each.
{{ config(materialized='table') }}
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
        'platform' as data_source,
        numerator,
        denominator,
        covariate,
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
        cast(null as {{ dbt.type_string() }}) as metric_role,
        'import' as data_source,
        imported_units.numerator,
        imported_units.denominator,
        case when imported_kinds.has_covariate then imported_units.covariate end as covariate,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_string() }}) as platform,
        cast(null as {{ dbt.type_string() }}) as tier
    from imported_units
    inner join imported_kinds
        on imported_units.experiment_id = imported_kinds.experiment_id
            and imported_units.metric_name = imported_kinds.metric_name

),

analysable as (

    -- ratio metrics: units with denominator 0 drop out
    select * from unit_values
    where metric_kind <> 'ratio' or denominator > 0

),

segmented as (

    {%- for segment in ['all', 'country', 'platform', 'tier'] %}
        select
            experiment_id,
            unit_id,
            variant,
            is_control,
            metric_name,
            metric_kind,
            metric_role,
            data_source,
            numerator,
            denominator,
            covariate,
            '{{ segment }}' as segment_name,
            {{ "'all'" if segment == 'all' else segment }} as segment_value
        from analysable
        {%- if segment != 'all' %}
            where {{ segment }} is not null
        {%- endif %}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

-- One pass over the unit rows gives each arm's counts, sums, means, sample variances and
-- covariances: var_samp / covar_samp (and the _pop forms, times n, for the sums of squares
-- and products about the arm means) are the engines' streaming updates of the deviations
-- from the running mean, which keep their digits as two passes do. The pooled means and
-- CUPED theta of a segment follow from its arms (the within-arm plus the between-arm part),
-- so only the CUPED pass reads the unit rows a second time.

arm_sums as (

    select
        experiment_id,
        metric_name,
        segment_name,
        segment_value,
        variant,
        is_control,
        metric_kind,
        metric_role,
        data_source,
        count(*) as units,
        sum(numerator) as sum_numerator,
        sum(denominator) as sum_denominator,
        count(covariate) as covariate_units,
        sum(covariate) as sum_covariate,
        avg(numerator) as mean_numerator,
        avg(denominator) as mean_denominator,
        avg(covariate) as mean_covariate,
        var_samp(numerator) as variance_numerator,
        var_samp(denominator) as variance_denominator,
        covar_samp(numerator, denominator) as covariance_numerator_denominator,
        var_pop(covariate) * count(covariate) as squares_covariate,
        covar_pop(numerator, covariate) * count(covariate) as products_numerator_covariate
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
        data_source

),

segment_means as (

    select
        experiment_id,
        metric_name,
        segment_name,
        segment_value,
        sum(sum_numerator) / sum(units) as pooled_mean_numerator,
        sum(sum_covariate) / nullif(sum(covariate_units), 0) as pooled_mean_covariate
    from arm_sums
    group by experiment_id, metric_name, segment_name, segment_value

),

-- theta = cov(Y, X) / var(X) over all arms: each arm's sums about its own means plus
-- units x the product of its means' distances from the pooled means
segment_thetas as (

    select
        arm_sums.experiment_id,
        arm_sums.metric_name,
        arm_sums.segment_name,
        arm_sums.segment_value,
        max(segment_means.pooled_mean_covariate) as pooled_mean_covariate,
        {{ cuped_theta(
            'sum(arm_sums.products_numerator_covariate + arm_sums.units'
            ~ ' * (arm_sums.mean_numerator - segment_means.pooled_mean_numerator)'
            ~ ' * (arm_sums.mean_covariate - segment_means.pooled_mean_covariate))',
            'sum(arm_sums.squares_covariate + arm_sums.units'
            ~ ' * (arm_sums.mean_covariate - segment_means.pooled_mean_covariate)'
            ~ ' * (arm_sums.mean_covariate - segment_means.pooled_mean_covariate))'
        ) | indent(8) }} as cuped_theta
    from arm_sums
    inner join segment_means
        on arm_sums.experiment_id = segment_means.experiment_id
            and arm_sums.metric_name = segment_means.metric_name
            and arm_sums.segment_name = segment_means.segment_name
            and arm_sums.segment_value = segment_means.segment_value
    group by arm_sums.experiment_id, arm_sums.metric_name, arm_sums.segment_name, arm_sums.segment_value

),

-- CUPED values Y - theta (X - pooled mean X), mean metrics with a covariate only
cuped_values as (

    select
        segmented.experiment_id,
        segmented.metric_name,
        segmented.segment_name,
        segmented.segment_value,
        segmented.variant,
        segment_thetas.cuped_theta,
        segmented.numerator
        - segment_thetas.cuped_theta * (segmented.covariate - segment_thetas.pooled_mean_covariate)
            as cuped_value
    from segmented
    inner join segment_thetas
        on segmented.experiment_id = segment_thetas.experiment_id
            and segmented.metric_name = segment_thetas.metric_name
            and segmented.segment_name = segment_thetas.segment_name
            and segmented.segment_value = segment_thetas.segment_value
    where segmented.metric_kind <> 'ratio' and segment_thetas.pooled_mean_covariate is not null

),

cuped_sums as (

    select
        experiment_id,
        metric_name,
        segment_name,
        segment_value,
        variant,
        max(cuped_theta) as cuped_theta,
        sum(cuped_value) as sum_value,
        avg(cuped_value) as mean_value,
        var_samp(cuped_value) as variance_value
    from cuped_values
    group by experiment_id, metric_name, segment_name, segment_value, variant

),

final as (

    select
        experiment_id,
        metric_name,
        segment_name,
        segment_value,
        'none' as variance_reduction,
        variant,
        is_control,
        metric_kind,
        metric_role,
        data_source,
        cast(units as {{ dbt.type_bigint() }}) as units,
        cast(sum_numerator as double) as sum_value,
        cast(sum_denominator as double) as sum_denominator,
        cast(mean_numerator as double) as mean_value,
        cast(mean_denominator as double) as mean_denominator,
        cast(variance_numerator as double) as variance_value,
        cast(variance_denominator as double) as variance_denominator,
        cast(covariance_numerator_denominator as double) as covariance_value_denominator,
        cast(null as double) as cuped_theta
    from arm_sums
    union all
    select
        arm_sums.experiment_id,
        arm_sums.metric_name,
        arm_sums.segment_name,
        arm_sums.segment_value,
        'cuped' as variance_reduction,
        arm_sums.variant,
        arm_sums.is_control,
        arm_sums.metric_kind,
        arm_sums.metric_role,
        arm_sums.data_source,
        cast(arm_sums.units as {{ dbt.type_bigint() }}) as units,
        cast(cuped_sums.sum_value as double) as sum_value,
        -- every CUPED unit has denominator 1
        cast(arm_sums.units as double) as sum_denominator,
        cast(cuped_sums.mean_value as double) as mean_value,
        1.0e0 as mean_denominator,
        cast(cuped_sums.variance_value as double) as variance_value,
        cast(0.0e0 / nullif(arm_sums.units - 1, 0) as double) as variance_denominator,
        cast(0.0e0 / nullif(arm_sums.units - 1, 0) as double) as covariance_value_denominator,
        cast(cuped_sums.cuped_theta as double) as cuped_theta
    from arm_sums
    inner join cuped_sums
        on arm_sums.experiment_id = cuped_sums.experiment_id
            and arm_sums.metric_name = cuped_sums.metric_name
            and arm_sums.segment_name = cuped_sums.segment_name
            and arm_sums.segment_value = cuped_sums.segment_value
            and arm_sums.variant = cuped_sums.variant

)

select * from final
