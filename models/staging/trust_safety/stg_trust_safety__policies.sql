-- One row per content policy.
-- Clean rows only: the checks are in base_trust_safety__policies.
with

base as (

    select * from {{ ref('base_trust_safety__policies') }}

),

final as (

    select
        policy_id,
        policy_name,
        policy_severity,
        _loaded_at
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
