-- One row per content policy.
-- Clean rows, the first landed copy of each key: the checks are in base_trust_safety__policies.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_trust_safety__policies'), ['policy_id']) }}

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
