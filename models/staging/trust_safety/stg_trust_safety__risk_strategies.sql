-- One row per risk-detection strategy (a model, a rule or a manual queue).
-- Clean rows, the first landed copy of each key: the checks are in base_trust_safety__risk_strategies.
with

base as (

    select * from {{ ref('base_trust_safety__risk_strategies') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['strategy_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

),

final as (

    select
        strategy_id,
        strategy_name,
        strategy_kind,
        target_policy_id,
        launched_at,
        retired_at,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
