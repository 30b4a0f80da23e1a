-- One row per UTC day of the data window: the headline risk indicators with
-- their numerators and denominators, defined exactly as the core indicator
-- contract (contracts/public_marts.md section 4) so fct_core_indicators can
-- read them: videos_removed, proactive_removal_rate, removal_within_24h_rate,
-- violating_view_rate (by sampled_at day) and appeal_overturn_rate (by
-- resolved_at day). Days without activity get zeros, not gaps.
with

decisions as (

    select * from {{ ref('int_moderation_decisions_enriched') }}

),

samples as (

    select * from {{ ref('stg_trust_safety__prevalence_samples') }}

),

appeals as (

    select * from {{ ref('int_appeals_enriched') }}

),

videos as (

    select * from {{ ref('stg_app__videos') }}

),

events as (

    select * from {{ ref('stg_app__events') }}

),

spine as (

    select * from {{ ref('metricflow_time_spine') }}

),

window_bounds as (

    select
        min(cast(event_at as date)) as first_date,
        max(cast(event_at as date)) as last_date
    from events

),

days as (

    select spine.date_day as metric_date
    from spine
    inner join window_bounds
        on spine.date_day between window_bounds.first_date and window_bounds.last_date

),

removals_per_day as (

    select
        video_id,
        decided_date,
        min(decided_at) as removed_at,
        min(published_at) as published_at,
        max(first_removal_detection_source) as first_removal_detection_source
    from decisions
    where decision = 'remove'
    group by video_id, decided_date

),

removal_metrics as (

    select
        removals_per_day.decided_date as metric_date,
        cast(count(distinct removals_per_day.video_id) as {{ dbt.type_bigint() }}) as videos_removed,
        cast(sum(
            case when removals_per_day.first_removal_detection_source = 'proactive' then 1 else 0 end
        ) as {{ dbt.type_bigint() }}) as proactive_removals,
        cast(sum(
            case
                when removals_per_day.removed_at <= {{ dbt.dateadd('hour', 24, 'removals_per_day.published_at') }}
                    then 1
                else 0
            end
        ) as {{ dbt.type_bigint() }}) as removals_within_24h
    from removals_per_day
    group by removals_per_day.decided_date

),

upload_metrics as (

    select
        cast(published_at as date) as metric_date,
        cast(count(*) as {{ dbt.type_bigint() }}) as videos_published
    from videos
    group by cast(published_at as date)

),

sample_metrics as (

    select
        cast(sampled_at as date) as metric_date,
        cast(count(*) as {{ dbt.type_bigint() }}) as prevalence_samples,
        cast(sum(sampling_weight) as double) as sample_weight,
        cast(sum(sampling_weight * sampling_weight) as double) as sample_weight_squared,
        cast(sum(case when is_violating then sampling_weight else 0.0 end) as double) as violating_sample_weight
    from samples
    group by cast(sampled_at as date)

),

appeal_metrics as (

    select
        resolved_date as metric_date,
        cast(sum(case when is_resolved then 1 else 0 end) as {{ dbt.type_bigint() }}) as appeals_resolved,
        cast(sum(case when is_overturned then 1 else 0 end) as {{ dbt.type_bigint() }}) as appeals_overturned
    from appeals
    where resolved_date is not null
    group by resolved_date

),

human_review_metrics as (

    select
        decided_date as metric_date,
        cast(sum(case when reviewer_type = 'human' then 1 else 0 end) as {{ dbt.type_bigint() }}) as human_reviews
    from decisions
    group by decided_date

),

joined as (

    select
        days.metric_date,
        coalesce(upload_metrics.videos_published, 0) as videos_published,
        coalesce(removal_metrics.videos_removed, 0) as videos_removed,
        coalesce(removal_metrics.proactive_removals, 0) as proactive_removals,
        coalesce(removal_metrics.removals_within_24h, 0) as removals_within_24h,
        coalesce(sample_metrics.prevalence_samples, 0) as prevalence_samples,
        coalesce(sample_metrics.sample_weight, 0.0) as sample_weight,
        coalesce(sample_metrics.sample_weight_squared, 0.0) as sample_weight_squared,
        coalesce(sample_metrics.violating_sample_weight, 0.0) as violating_sample_weight,
        coalesce(appeal_metrics.appeals_resolved, 0) as appeals_resolved,
        coalesce(appeal_metrics.appeals_overturned, 0) as appeals_overturned,
        coalesce(human_review_metrics.human_reviews, 0) as human_reviews
    from days
    left join upload_metrics
        on days.metric_date = upload_metrics.metric_date
    left join removal_metrics
        on days.metric_date = removal_metrics.metric_date
    left join sample_metrics
        on days.metric_date = sample_metrics.metric_date
    left join appeal_metrics
        on days.metric_date = appeal_metrics.metric_date
    left join human_review_metrics
        on days.metric_date = human_review_metrics.metric_date

),

rated as (

    select
        *,
        violating_sample_weight / nullif(sample_weight, 0) as violating_view_rate_raw,
        {{ risk_kish_effective_n('sample_weight', 'sample_weight_squared') }} as effective_sample_size
    from joined

),

final as (

    select
        metric_date,
        videos_published,
        videos_removed,
        cast(videos_removed / nullif(videos_published, 0) as double) as removed_share_of_uploads,
        proactive_removals,
        cast(proactive_removals / nullif(videos_removed, 0) as double) as proactive_removal_rate,
        removals_within_24h,
        cast(removals_within_24h / nullif(videos_removed, 0) as double) as removal_within_24h_rate,
        prevalence_samples,
        sample_weight,
        violating_sample_weight,
        cast(violating_view_rate_raw as double) as violating_view_rate,
        cast(effective_sample_size as double) as effective_sample_size,
        cast({{ risk_wilson_bound('violating_view_rate_raw', 'effective_sample_size', 'lower') }} as double)
            as violating_view_rate_ci_lower,
        cast({{ risk_wilson_bound('violating_view_rate_raw', 'effective_sample_size', 'upper') }} as double)
            as violating_view_rate_ci_upper,
        appeals_resolved,
        appeals_overturned,
        cast(appeals_overturned / nullif(appeals_resolved, 0) as double) as appeal_overturn_rate,
        human_reviews
    from rated

)

select * from final
