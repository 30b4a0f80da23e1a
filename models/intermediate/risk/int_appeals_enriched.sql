-- One row per appeal, carrying the appealed decision's attributes so appeals
-- can be counted by the date of the original action, of the appeal and of
-- the resolution (these are different cohorts: see docs/risk.md).
with

appeals as (

    select * from {{ ref('stg_trust_safety__appeals') }}

),

decisions as (

    select * from {{ ref('int_moderation_decisions_enriched') }}

),

final as (

    select
        appeals.appeal_id,
        appeals.decision_id,
        decisions.video_id,
        decisions.creator_id,
        decisions.decision,
        decisions.decided_at,
        decisions.decided_date as action_date,
        appeals.appealed_at,
        cast(appeals.appealed_at as date) as appeal_date,
        appeals.resolved_at,
        cast(appeals.resolved_at as date) as resolved_date,
        appeals.appeal_outcome,
        appeals.appeal_outcome in ('upheld', 'overturned') as is_resolved,
        appeals.appeal_outcome = 'overturned' as is_overturned,
        decisions.policy_id,
        decisions.policy_severity,
        decisions.creator_country,
        decisions.detection_source,
        decisions.strategy_id,
        decisions.reviewer_type
    from appeals
    inner join decisions
        on appeals.decision_id = decisions.decision_id

)

select * from final
