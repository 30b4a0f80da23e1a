-- One row per appeal of a moderation decision, with the dates appeals are
-- counted by (original action, appeal, resolution) and the appealed
-- decision's attributes: the entity-grain fact of the appeal metrics in the
-- MetricFlow semantic layer. A view over int_appeals_enriched.
{{ config(materialized='view') }}
with

appeals as (

    select * from {{ ref('int_appeals_enriched') }}

),

final as (

    select
        appeal_id,
        decision_id,
        video_id,
        creator_id,
        creator_country,
        decision,
        policy_id,
        policy_severity,
        detection_source,
        reviewer_type,
        action_date,
        appeal_date,
        resolved_date,
        appeal_outcome,
        is_resolved,
        is_overturned
    from appeals

)

select * from final
