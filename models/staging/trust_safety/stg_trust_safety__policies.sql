-- One row per content policy.
-- Clean rows, the first landed copy of each key: the checks are in base_trust_safety__policies.
with

base as (

    select * from {{ ref('base_trust_safety__policies') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['policy_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

),

final as (

    select
        policy_id,
        policy_name,
        policy_severity,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
