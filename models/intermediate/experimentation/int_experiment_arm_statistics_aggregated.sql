-- Sufficient statistics per experiment x metric x segment x variance reduction x variant:
-- units, sums, means, sample variances and the numerator-denominator covariance, computed in
-- two passes (deviations from the arm mean) so they keep their digits. Platform experiments
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

-- the pooled means, CUPED theta and arm means are group-by aggregates joined
-- back (not window functions): a hash aggregate over the ~8 rows per unit
-- costs far less than partitioning them all with every column

segment_keys as (

    select
        experiment_id,
        metric_name,
        segment_name,
        segment_value,
        avg(numerator) as pooled_mean_numerator,
        avg(covariate) as pooled_mean_covariate
    from segmented
    group by experiment_id, metric_name, segment_name, segment_value

),

pooled_means as (

    select
        segmented.*,
        segment_keys.pooled_mean_numerator,
        segment_keys.pooled_mean_covariate
    from segmented
    inner join segment_keys
        on segmented.experiment_id = segment_keys.experiment_id
            and segmented.metric_name = segment_keys.metric_name
            and segmented.segment_name = segment_keys.segment_name
            and segmented.segment_value = segment_keys.segment_value

),

segment_thetas as (

    select
        experiment_id,
        metric_name,
        segment_name,
        segment_value,
        {{ cuped_theta(
            'sum((numerator - pooled_mean_numerator) * (covariate - pooled_mean_covariate))',
            'sum((covariate - pooled_mean_covariate) * (covariate - pooled_mean_covariate))'
        ) }} as cuped_theta
    from pooled_means
    group by experiment_id, metric_name, segment_name, segment_value

),

with_theta as (

    select
        pooled_means.*,
        segment_thetas.cuped_theta
    from pooled_means
    inner join segment_thetas
        on pooled_means.experiment_id = segment_thetas.experiment_id
            and pooled_means.metric_name = segment_thetas.metric_name
            and pooled_means.segment_name = segment_thetas.segment_name
            and pooled_means.segment_value = segment_thetas.segment_value

),

by_variance_reduction as (

    select
        experiment_id,
        variant,
        is_control,
        metric_name,
        metric_kind,
        metric_role,
        data_source,
        segment_name,
        segment_value,
        'none' as variance_reduction,
        cast(null as double) as cuped_theta,
        numerator as unit_value,
        denominator as unit_denominator
    from with_theta
    union all
    select
        experiment_id,
        variant,
        is_control,
        metric_name,
        metric_kind,
        metric_role,
        data_source,
        segment_name,
        segment_value,
        'cuped' as variance_reduction,
        cuped_theta,
        numerator - cuped_theta * (covariate - pooled_mean_covariate) as unit_value,
        1.0e0 as unit_denominator
    from with_theta
    where metric_kind <> 'ratio' and pooled_mean_covariate is not null

),

arm_keys as (

    select
        experiment_id,
        metric_name,
        segment_name,
        segment_value,
        variance_reduction,
        variant,
        avg(unit_value) as arm_mean_value,
        avg(unit_denominator) as arm_mean_denominator
    from by_variance_reduction
    group by experiment_id, metric_name, segment_name, segment_value, variance_reduction, variant

),

arm_means as (

    select
        by_variance_reduction.*,
        arm_keys.arm_mean_value,
        arm_keys.arm_mean_denominator
    from by_variance_reduction
    inner join arm_keys
        on by_variance_reduction.experiment_id = arm_keys.experiment_id
            and by_variance_reduction.metric_name = arm_keys.metric_name
            and by_variance_reduction.segment_name = arm_keys.segment_name
            and by_variance_reduction.segment_value = arm_keys.segment_value
            and by_variance_reduction.variance_reduction = arm_keys.variance_reduction
            and by_variance_reduction.variant = arm_keys.variant

),

final as (

    select
        experiment_id,
        metric_name,
        segment_name,
        segment_value,
        variance_reduction,
        variant,
        is_control,
        metric_kind,
        metric_role,
        data_source,
        cast(count(*) as {{ dbt.type_bigint() }}) as units,
        cast(sum(unit_value) as double) as sum_value,
        cast(sum(unit_denominator) as double) as sum_denominator,
        cast(max(arm_mean_value) as double) as mean_value,
        cast(max(arm_mean_denominator) as double) as mean_denominator,
        cast(
            sum((unit_value - arm_mean_value) * (unit_value - arm_mean_value))
            / nullif(count(*) - 1, 0) as double
        ) as variance_value,
        cast(
            sum((unit_denominator - arm_mean_denominator) * (unit_denominator - arm_mean_denominator))
            / nullif(count(*) - 1, 0) as double
        ) as variance_denominator,
        cast(
            sum((unit_value - arm_mean_value) * (unit_denominator - arm_mean_denominator))
            / nullif(count(*) - 1, 0) as double
        ) as covariance_value_denominator,
        cast(max(cuped_theta) as double) as cuped_theta
    from arm_means
    group by
        experiment_id,
        metric_name,
        segment_name,
        segment_value,
        variance_reduction,
        variant,
        is_control,
        metric_kind,
        metric_role,
        data_source

)

select * from final
