-- One row per expert QA audit of a video (actioned or not), from a stratified sample.
-- Clean rows only: the checks are in base_trust_safety__qa_audits.
with

base as (

    select * from {{ ref('base_trust_safety__qa_audits') }}

),

final as (

    select
        audit_id,
        decision_id,
        video_id,
        audited_at,
        is_violating,
        policy_id,
        sampling_stratum,
        sampling_weight,
        _loaded_at
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
