-- One row per risk-detection strategy (a model, a rule or a manual queue).
-- Clean rows, the first landed copy of each key: the checks are in base_trust_safety__risk_strategies.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_trust_safety__risk_strategies'), ['strategy_id']) }}

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
