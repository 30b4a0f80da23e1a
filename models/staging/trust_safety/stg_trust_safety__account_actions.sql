-- One row per enforcement action on an account.
-- Clean rows, the first landed copy of each key: the checks are in base_trust_safety__account_actions.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_trust_safety__account_actions'), ['action_id']) }}

),

final as (

    select
        action_id,
        user_id,
        account_action,
        acted_at,
        action_reason,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
