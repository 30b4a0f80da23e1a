-- One row per enforcement action on an account.
-- Clean rows, the first landed copy of each key: the checks are in base_trust_safety__account_actions.
with

base as (

    select * from {{ ref('base_trust_safety__account_actions') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['action_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

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
