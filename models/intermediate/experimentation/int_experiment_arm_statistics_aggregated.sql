-- Sufficient statistics per experiment x metric x segment x variant: units, sums, means,
-- sample variances and covariances of the numerator Y, the denominator N and the pre-period
-- covariate X, from the engines' variance aggregates (deviations from the running mean keep
-- their digits, where sum(x * x) - n * mean^2 would not). Every analysed unit counts, ratio
-- metrics included: a unit with denominator 0 is a unit of the arm, as in GrowthBook and
-- Statsig. Platform experiments (int_experiment_unit_metrics_computed) and imported ones
-- (int_experiment_imports_validated) share the path; fct_experiment_results pairs the arms
-- and derives CUPED from these moments (theta per control-treatment pair).
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
        preferred_direction,
        non_inferiority_margin,
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
        imported_units.metric_role,
        imported_units.preferred_direction,
        imported_units.non_inferiority_margin,
        'import' as data_source,
        imported_units.numerator,
        imported_units.denominator,
        -- a covariate on only some units of a metric is not used (CUPED needs it on all)
        case when imported_kinds.has_covariate then imported_units.covariate end as covariate,
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
        avg(numerator) as mean_numerator,
        avg(denominator) as mean_denominator,
        avg(covariate) as mean_covariate,
        var_samp(numerator) as variance_numerator,
        var_samp(denominator) as variance_denominator,
        var_samp(covariate) as variance_covariate,
        covar_samp(numerator, denominator) as covariance_numerator_denominator,
        covar_samp(numerator, covariate) as covariance_numerator_covariate
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
        -- CUPED needs the covariate on every unit of the arm (mean metrics only)
        coalesce(metric_kind <> 'ratio' and covariate_units = units, false) as has_covariate,
        cast(mean_covariate as double) as mean_covariate,
        cast(variance_covariate as double) as variance_covariate,
        cast(covariance_numerator_covariate as double) as covariance_value_covariate
    from arm_moments

)

select * from final
