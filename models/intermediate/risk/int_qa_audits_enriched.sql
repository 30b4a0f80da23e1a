-- One row per QA audit with the audited decision (if any): what the platform
-- did (removed, restricted, nothing, never decided) next to the expert's
-- ground truth and the audit's sampling weight.
with

audits as (

    select * from {{ ref('stg_trust_safety__qa_audits') }}

),

decisions as (

    select * from {{ ref('stg_trust_safety__moderation_decisions') }}

),

final as (

    select
        audits.audit_id,
        audits.video_id,
        audits.decision_id,
        audits.audited_at,
        audits.is_violating,
        audits.policy_id as expert_policy_id,
        audits.sampling_stratum,
        audits.sampling_weight,
        coalesce(decisions.decision, 'not_decided') as decision,
        coalesce(decisions.decision = 'remove', false) as is_removed,
        coalesce(decisions.decision in ('remove', 'restrict'), false) as is_actioned,
        decisions.strategy_id,
        decisions.reviewer_type,
        decisions.detection_source,
        decisions.decided_at
    from audits
    left join decisions
        on audits.decision_id = decisions.decision_id

)

select * from final
