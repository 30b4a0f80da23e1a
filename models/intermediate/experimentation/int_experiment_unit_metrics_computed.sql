-- Long table of unit-level metric values: one row per experiment x analysed unit x metric of
-- the experiment's domain (seed experiment_metric_catalog). numerator / denominator are the
-- unit's values from its first exposure to min(ended_at, end of data); covariate is the same
-- quantity in the 14 days before the experiment started (CUPED; ratio metrics: its numerator, with
-- covariate_denominator its denominator). Units without activity count as 0. A metric with a
-- catalog winsorize_quantile q is capped here, before any arm or segment statistic: numerator and
-- covariate are capped at the linear-interpolation q-quantile of the experiment's pooled unit
-- values (all arms; upper tail; GrowthBook's percentile capping, which caps the covariate with
-- the same value), so CUPED and segments read the capped values; *_uncapped keep the raw ones.
-- Units exposed to more than one variant, or first exposed outside the experiment's
-- [started_at, ended_at), are excluded here (fct_experiment_health counts them). The analysed
-- units, with their sums, variant and segments, are int_experiment_unit_activity_summed's rows
-- (a table over the incremental unit-days base, one row per analysed unit); this model names
-- the sums by metric.
{{ config(materialized='table') }}

with

catalog as (

    select * from {{ ref('experiment_metric_catalog') }}

),

unit_sums as (

    select * from {{ ref('int_experiment_unit_activity_summed') }}

),

unit_metrics as (

    select
        unit_sums.experiment_id,
        unit_sums.unit_id,
        unit_sums.variant,
        unit_sums.is_control,
        catalog.metric_name,
        catalog.metric_kind,
        case
            when catalog.metric_name = unit_sums.primary_metric then 'primary'
            else catalog.metric_role
        end as metric_role,
        catalog.preferred_direction,
        case
            when catalog.metric_name <> unit_sums.primary_metric then catalog.non_inferiority_margin
        end as non_inferiority_margin,
        {{ experiment_metric_numerator('catalog.metric_name', 'unit_sums') }} as numerator,
        {{ experiment_metric_denominator('catalog.metric_name', 'unit_sums') }} as denominator,
        case
            when catalog.covariate_definition <> 'none'
                then {{ experiment_metric_numerator('catalog.metric_name', 'unit_sums', 'pre_period') }}
        end as covariate,
        case
            when catalog.covariate_definition <> 'none'
                then {{ experiment_metric_denominator('catalog.metric_name', 'unit_sums', 'pre_period') }}
        end as covariate_denominator,
        catalog.winsorize_quantile,
        catalog.quantile_level,
        unit_sums.country,
        unit_sums.platform,
        unit_sums.tier
    from unit_sums
    inner join catalog
        on unit_sums.experiment_domain = catalog.experiment_domain
            and unit_sums.randomization_unit = catalog.randomization_unit

),

-- the metrics to cap, each unit's rank in its experiment's pooled values
capped_metric_ranks as (

    select
        experiment_id,
        metric_name,
        winsorize_quantile,
        numerator,
        row_number() over (
            partition by experiment_id, metric_name order by numerator asc nulls last
        ) as value_rank,
        count(*) over (partition by experiment_id, metric_name) as pooled_units
    from unit_metrics
    where winsorize_quantile is not null

),

winsorize_caps as (

    select
        experiment_id,
        metric_name,
        {{ linear_interpolated_quantile('numerator', 'value_rank', 'pooled_units', 'winsorize_quantile') }}
            as winsorize_cap
    from capped_metric_ranks
    group by experiment_id, metric_name

),

final as (

    select
        unit_metrics.experiment_id,
        unit_metrics.unit_id,
        unit_metrics.variant,
        unit_metrics.is_control,
        unit_metrics.metric_name,
        unit_metrics.metric_kind,
        unit_metrics.metric_role,
        unit_metrics.preferred_direction,
        cast(unit_metrics.non_inferiority_margin as double) as non_inferiority_margin,
        cast({{ capped_at('unit_metrics.numerator', 'winsorize_caps.winsorize_cap') }} as double) as numerator,
        cast(unit_metrics.denominator as double) as denominator,
        cast({{ capped_at('unit_metrics.covariate', 'winsorize_caps.winsorize_cap') }} as double) as covariate,
        cast(unit_metrics.covariate_denominator as double) as covariate_denominator,
        cast(unit_metrics.numerator as double) as numerator_uncapped,
        cast(unit_metrics.covariate as double) as covariate_uncapped,
        cast(unit_metrics.winsorize_quantile as double) as winsorize_quantile,
        cast(winsorize_caps.winsorize_cap as double) as winsorize_cap,
        cast(unit_metrics.quantile_level as double) as quantile_level,
        unit_metrics.country,
        unit_metrics.platform,
        unit_metrics.tier
    from unit_metrics
    left join winsorize_caps
        on unit_metrics.experiment_id = winsorize_caps.experiment_id
            and unit_metrics.metric_name = winsorize_caps.metric_name

)

select * from final
