-- One row per expert QA audit of a video (actioned or not), from a stratified sample.
-- Clean rows, the first landed copy of each key: the checks are in base_trust_safety__qa_audits.
with

base as (

    select * from {{ ref('base_trust_safety__qa_audits') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['audit_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

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
    from deduplicated
    where landing_order = 1

)

select * from final
