-- One row per day x dimension (all, policy, severity, creator country,
-- detection source) x value: the enforcement metrics transparency reports
-- publish. Removal metrics count a video on the day of its first removal;
-- appeals are counted three ways (by the day of the original action, of the
-- appeal and of the resolution) because those cohorts differ (Meta's
-- appealed/restored content metrics warn they cannot be compared with content
-- actioned in the same period).
with

removals as (

    select * from {{ ref('fct_video_removals') }}

),

decisions as (

    select * from {{ ref('int_moderation_decisions_enriched') }}

),

appeals as (

    select * from {{ ref('int_appeals_enriched') }}

),

videos as (

    select * from {{ ref('stg_app__videos') }}

),

users as (

    select * from {{ ref('stg_app__users') }}

),

uploads as (

    select
        videos.video_id,
        cast(videos.published_at as date) as published_date,
        users.country as creator_country
    from videos
    left join users
        on videos.creator_id = users.user_id

),

actions as (

    select * from decisions
    where is_action

),

removals_long as (
    {{ risk_unpivot_dimensions('removals', 'removed_date', [
        'video_id', 'is_proactive', 'is_removed_before_any_view', 'is_removed_within_24h',
        'hours_publish_to_removal', 'hours_report_to_removal'
    ]) }}
),

uploads_long as (
    {{ risk_unpivot_dimensions('uploads', 'published_date', ['video_id'], ['all', 'country']) }}
),

actions_long as (
    {{ risk_unpivot_dimensions('actions', 'decided_date', ['decision_id']) }}
),

appeals_by_action_long as (
    {{ risk_unpivot_dimensions('appeals', 'action_date', ['appeal_id', 'is_overturned']) }}
),

appeals_by_appeal_long as (
    {{ risk_unpivot_dimensions('appeals', 'appeal_date', ['appeal_id']) }}
),

appeals_by_resolution_long as (
    {{ risk_unpivot_dimensions('appeals', 'resolved_date', ['appeal_id', 'is_overturned']) }}
),

removal_metrics as (

    select
        metric_date,
        dimension_name,
        dimension_value,
        cast(count(distinct video_id) as {{ dbt.type_bigint() }}) as videos_removed,
        cast(sum(case when is_proactive then 1 else 0 end) as {{ dbt.type_bigint() }}) as proactive_removals,
        cast(
            sum(case when is_removed_before_any_view then 1 else 0 end) as {{ dbt.type_bigint() }}
        ) as removals_before_any_view,
        cast(
            sum(case when is_removed_within_24h then 1 else 0 end) as {{ dbt.type_bigint() }}
        ) as removals_within_24h,
        cast(
            percentile_cont(0.5) within group (order by hours_publish_to_removal) as double
        ) as median_hours_publish_to_removal,
        cast(
            percentile_cont(0.9) within group (order by hours_publish_to_removal) as double
        ) as p90_hours_publish_to_removal,
        cast(
            percentile_cont(0.5) within group (order by hours_report_to_removal) as double
        ) as median_hours_report_to_removal,
        cast(
            percentile_cont(0.9) within group (order by hours_report_to_removal) as double
        ) as p90_hours_report_to_removal
    from removals_long
    group by metric_date, dimension_name, dimension_value

),

upload_metrics as (

    select
        metric_date,
        dimension_name,
        dimension_value,
        cast(count(distinct video_id) as {{ dbt.type_bigint() }}) as videos_published
    from uploads_long
    group by metric_date, dimension_name, dimension_value

),

action_metrics as (

    select
        metric_date,
        dimension_name,
        dimension_value,
        cast(count(distinct decision_id) as {{ dbt.type_bigint() }}) as actions_taken
    from actions_long
    group by metric_date, dimension_name, dimension_value

),

appeal_action_metrics as (

    select
        metric_date,
        dimension_name,
        dimension_value,
        cast(count(distinct appeal_id) as {{ dbt.type_bigint() }}) as appeals_by_action_date,
        cast(
            sum(case when is_overturned then 1 else 0 end) as {{ dbt.type_bigint() }}
        ) as overturns_by_action_date
    from appeals_by_action_long
    group by metric_date, dimension_name, dimension_value

),

appeal_filed_metrics as (

    select
        metric_date,
        dimension_name,
        dimension_value,
        cast(count(distinct appeal_id) as {{ dbt.type_bigint() }}) as appeals_filed
    from appeals_by_appeal_long
    group by metric_date, dimension_name, dimension_value

),

appeal_resolved_metrics as (

    select
        metric_date,
        dimension_name,
        dimension_value,
        cast(count(distinct appeal_id) as {{ dbt.type_bigint() }}) as appeals_resolved,
        cast(sum(case when is_overturned then 1 else 0 end) as {{ dbt.type_bigint() }}) as appeals_overturned
    from appeals_by_resolution_long
    where metric_date is not null
    group by metric_date, dimension_name, dimension_value

),

keys as (

    select
        metric_date,
        dimension_name,
        dimension_value
    from removal_metrics
    union
    select
        metric_date,
        dimension_name,
        dimension_value
    from action_metrics
    union
    select
        metric_date,
        dimension_name,
        dimension_value
    from appeal_filed_metrics
    union
    select
        metric_date,
        dimension_name,
        dimension_value
    from appeal_resolved_metrics
    union
    select
        metric_date,
        dimension_name,
        dimension_value
    from upload_metrics

),

joined as (

    select
        keys.metric_date,
        keys.dimension_name,
        keys.dimension_value,
        -- uploads have no policy or detection source: those slices divide by all uploads of the day
        coalesce(upload_metrics.videos_published, all_uploads.videos_published, 0) as videos_published,
        coalesce(removal_metrics.videos_removed, 0) as videos_removed,
        coalesce(removal_metrics.proactive_removals, 0) as proactive_removals,
        coalesce(removal_metrics.removals_before_any_view, 0) as removals_before_any_view,
        coalesce(removal_metrics.removals_within_24h, 0) as removals_within_24h,
        removal_metrics.median_hours_publish_to_removal,
        removal_metrics.p90_hours_publish_to_removal,
        removal_metrics.median_hours_report_to_removal,
        removal_metrics.p90_hours_report_to_removal,
        coalesce(action_metrics.actions_taken, 0) as actions_taken,
        coalesce(appeal_action_metrics.appeals_by_action_date, 0) as appeals_by_action_date,
        coalesce(appeal_action_metrics.overturns_by_action_date, 0) as overturns_by_action_date,
        coalesce(appeal_filed_metrics.appeals_filed, 0) as appeals_filed,
        coalesce(appeal_resolved_metrics.appeals_resolved, 0) as appeals_resolved,
        coalesce(appeal_resolved_metrics.appeals_overturned, 0) as appeals_overturned
    from keys
    left join removal_metrics
        on
            keys.metric_date = removal_metrics.metric_date
            and keys.dimension_name = removal_metrics.dimension_name
            and keys.dimension_value = removal_metrics.dimension_value
    left join upload_metrics
        on
            keys.metric_date = upload_metrics.metric_date
            and keys.dimension_name = upload_metrics.dimension_name
            and keys.dimension_value = upload_metrics.dimension_value
    left join upload_metrics as all_uploads
        on
            keys.metric_date = all_uploads.metric_date
            and all_uploads.dimension_name = 'all'
            and keys.dimension_name in ('policy', 'severity', 'detection_source')
    left join action_metrics
        on
            keys.metric_date = action_metrics.metric_date
            and keys.dimension_name = action_metrics.dimension_name
            and keys.dimension_value = action_metrics.dimension_value
    left join appeal_action_metrics
        on
            keys.metric_date = appeal_action_metrics.metric_date
            and keys.dimension_name = appeal_action_metrics.dimension_name
            and keys.dimension_value = appeal_action_metrics.dimension_value
    left join appeal_filed_metrics
        on
            keys.metric_date = appeal_filed_metrics.metric_date
            and keys.dimension_name = appeal_filed_metrics.dimension_name
            and keys.dimension_value = appeal_filed_metrics.dimension_value
    left join appeal_resolved_metrics
        on
            keys.metric_date = appeal_resolved_metrics.metric_date
            and keys.dimension_name = appeal_resolved_metrics.dimension_name
            and keys.dimension_value = appeal_resolved_metrics.dimension_value

),

final as (

    select
        metric_date,
        dimension_name,
        dimension_value,
        videos_published,
        videos_removed,
        cast(videos_removed / nullif(videos_published, 0) as double) as removed_share_of_uploads,
        proactive_removals,
        cast(proactive_removals / nullif(videos_removed, 0) as double) as proactive_removal_rate,
        removals_before_any_view,
        cast(removals_before_any_view / nullif(videos_removed, 0) as double) as removed_before_any_view_rate,
        removals_within_24h,
        cast(removals_within_24h / nullif(videos_removed, 0) as double) as removal_within_24h_rate,
        median_hours_publish_to_removal,
        p90_hours_publish_to_removal,
        median_hours_report_to_removal,
        p90_hours_report_to_removal,
        actions_taken,
        appeals_by_action_date,
        overturns_by_action_date,
        cast(appeals_by_action_date / nullif(actions_taken, 0) as double) as appeal_rate_by_action_date,
        cast(overturns_by_action_date / nullif(actions_taken, 0) as double) as overturned_share_of_actions,
        appeals_filed,
        appeals_resolved,
        appeals_overturned,
        cast(appeals_overturned / nullif(appeals_resolved, 0) as double) as appeal_overturn_rate
    from joined

)

select * from final
