{{ config(materialized='view') }}

-- Every raw row of trust_safety.risk_strategies: typed, checked against docs/cleaning_rules.md,
-- flagged as duplicate or given its quarantine reason. stg_trust_safety__risk_strategies keeps the
-- clean first copies; stg_trust_safety__rejected_rows keeps the rest.
with

source as (

    select * from {{ raw_table('trust_safety', 'risk_strategies') }}

),

typed as (

    select
        cast(strategy_id as {{ dbt.type_string() }}) as strategy_id,
        cast(strategy_name as {{ dbt.type_string() }}) as strategy_name,
        cast(kind as {{ dbt.type_string() }}) as kind,
        cast(target_policy_id as {{ dbt.type_string() }}) as target_policy_id,
        cast(launched_at as {{ dbt.type_timestamp() }}) as launched_at,
        cast(retired_at as {{ dbt.type_timestamp() }}) as retired_at,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    from source

),

checked as (

    select
        typed.*,
        {{ row_as_json([
            'strategy_id', 'strategy_name', 'kind', 'target_policy_id', 'launched_at',
            'retired_at', '_loaded_at'
        ]) }} as raw_row_json,
        {{ quarantine_reason(
            primary_key=['strategy_id'],
            required_ids=['target_policy_id'],
            enums=[
                ['kind', 'strategy_kind']
            ],
            timestamps=['launched_at', 'retired_at']
        ) }} as quarantine_reason
    from typed

),

flagged as (

    select
        checked.*,
        {{ is_duplicate_row(['strategy_id']) }} as is_duplicate
    from checked

),

final as (

    select
        strategy_id,
        strategy_name,
        kind as strategy_kind,
        target_policy_id,
        launched_at,
        retired_at,
        _loaded_at,
        quarantine_reason,
        is_duplicate,
        raw_row_json
    from flagged

)

select * from final
