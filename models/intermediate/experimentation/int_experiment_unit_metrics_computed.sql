-- Long table of unit-level metric values: one row per experiment x analysed unit x metric of
-- the experiment's domain (seed experiment_metric_catalog). numerator / denominator are the
-- unit's values from its first exposure to min(ended_at, end of data); covariate is the same
-- quantity in the 14 days before the experiment started (CUPED). Units without activity count
-- as 0. Units exposed to more than one variant, or first exposed outside the experiment's
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
            when catalog.covariate_definition = 'none' then null
            else case catalog.metric_name
                    when
                        'watch_seconds_per_user'
                        then unit_sums.watch_seconds_pre_period
                    when 'video_views_per_user' then unit_sums.video_views_pre_period
                    when 'app_opens_per_user' then unit_sums.app_opens_pre_period
                    when 'likes_per_user' then unit_sums.likes_pre_period
                    when 'ad_impressions_per_user' then unit_sums.impressions_pre_period
                    when 'reports_per_user' then unit_sums.reports_pre_period
                    when 'submissions_per_labeler' then unit_sums.submissions_pre_period
                    when 'views_received_per_creator' then unit_sums.views_received_pre_period
                end
        end as covariate,
        unit_sums.country,
        unit_sums.platform,
        unit_sums.tier
    from unit_sums
    inner join catalog
        on unit_sums.experiment_domain = catalog.experiment_domain
            and unit_sums.randomization_unit = catalog.randomization_unit

),

final as (

    select
        experiment_id,
        unit_id,
        variant,
        is_control,
        metric_name,
        metric_kind,
        metric_role,
        preferred_direction,
        cast(non_inferiority_margin as double) as non_inferiority_margin,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        cast(covariate as double) as covariate,
        country,
        platform,
        tier
    from unit_metrics

)

select * from final
