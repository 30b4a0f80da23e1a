-- One row per appeal of a moderation decision.
-- Clean rows only: the checks are in base_trust_safety__appeals.
with

base as (

    select * from {{ ref('base_trust_safety__appeals') }}

),

final as (

    select
        appeal_id,
        decision_id,
        appealed_at,
        resolved_at,
        appeal_outcome,
        _loaded_at
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
