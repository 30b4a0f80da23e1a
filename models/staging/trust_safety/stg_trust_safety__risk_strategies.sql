-- One row per risk-detection strategy (a model, a rule or a manual queue).
-- Clean rows only: the checks are in base_trust_safety__risk_strategies.
with

base as (

    select * from {{ ref('base_trust_safety__risk_strategies') }}

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
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
