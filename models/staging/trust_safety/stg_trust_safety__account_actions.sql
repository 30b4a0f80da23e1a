-- One row per enforcement action on an account.
-- Clean rows only: the checks are in base_trust_safety__account_actions.
with

base as (

    select * from {{ ref('base_trust_safety__account_actions') }}

),

final as (

    select
        action_id,
        user_id,
        account_action,
        acted_at,
        action_reason,
        _loaded_at
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
