-- One row per expert QA audit of a video (actioned or not), from a stratified sample.
-- Clean rows, the first landed copy of each key: the checks are in base_trust_safety__qa_audits.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_trust_safety__qa_audits'), ['audit_id']) }}

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
