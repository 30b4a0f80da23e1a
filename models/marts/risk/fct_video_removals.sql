-- One row per removed video, at its first remove decision: how it was found,
-- how fast it was removed (from publish and from the first user report) and
-- how many views it had collected before removal.
-- Views prevented = views per hour before removal x a horizon
-- (var risk_views_prevented_horizon_hours, default 168 h); the per-hour rate
-- uses at least one hour of exposure so minute-old removals do not explode.
{%- set horizon_hours = var('risk_views_prevented_horizon_hours', 168) %}
with

decisions as (

    select * from {{ ref('int_moderation_decisions_enriched') }}

),

events as (

    select * from {{ ref('stg_app__events') }}

),

removals as (

    select * from decisions
    where is_first_removal

),

views_before as (

    select
        removals.video_id,
        cast(count(events.event_id) as {{ dbt.type_bigint() }}) as views_before_removal,
        min(events.event_at) as first_viewed_at
    from removals
    left join events
        on
            removals.video_id = events.video_id
            and events.event_type = 'video_view'
            and removals.decided_at > events.event_at
    group by removals.video_id

),

measured as (

    select
        removals.video_id,
        removals.decision_id,
        removals.creator_id,
        removals.creator_country,
        removals.policy_id,
        removals.policy_severity,
        removals.detection_source,
        removals.strategy_id,
        removals.reviewer_type,
        removals.detection_source = 'proactive' as is_proactive,
        removals.published_at,
        removals.first_reported_at,
        removals.decided_at as removed_at,
        removals.decided_date as removed_date,
        {{ seconds_between('removals.published_at', 'removals.decided_at') }} / 3600.0 as hours_publish_to_removal,
        case
            when removals.first_reported_at <= removals.decided_at
                then {{ seconds_between('removals.first_reported_at', 'removals.decided_at') }} / 3600.0
        end as hours_report_to_removal,
        coalesce(views_before.views_before_removal, 0) as views_before_removal,
        views_before.first_viewed_at
    from removals
    left join views_before
        on removals.video_id = views_before.video_id

),

final as (

    select
        video_id,
        decision_id,
        creator_id,
        creator_country,
        policy_id,
        policy_severity,
        detection_source,
        strategy_id,
        reviewer_type,
        is_proactive,
        published_at,
        first_reported_at,
        removed_at,
        removed_date,
        cast(hours_publish_to_removal as double) as hours_publish_to_removal,
        cast(hours_report_to_removal as double) as hours_report_to_removal,
        views_before_removal,
        first_viewed_at,
        views_before_removal = 0 as is_removed_before_any_view,
        removed_at <= {{ dbt.dateadd('hour', 24, 'published_at') }} as is_removed_within_24h,
        cast(
            views_before_removal
            / nullif(greatest(hours_publish_to_removal, cast(1 as double)), 0) as double
        ) as views_per_hour_before_removal,
        cast(
            views_before_removal
            / nullif(greatest(hours_publish_to_removal, cast(1 as double)), 0) * {{ horizon_hours }} as double
        ) as estimated_views_prevented
    from measured

)

select * from final
