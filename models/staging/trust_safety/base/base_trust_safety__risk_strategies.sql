{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'strategy_id', 'strategy_name', ['kind', 'strategy_kind'], 'target_policy_id',
        'launched_at', 'retired_at', '_loaded_at'
    ]}
) }}

-- Every raw row of trust_safety.risk_strategies: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_trust_safety__risk_strategies keeps the
-- clean first copies; stg_trust_safety__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
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
        {{ typed_timestamp('launched_at') }},
        {{ typed_timestamp('retired_at') }},
        {{ typed_timestamp('_loaded_at') }}
    from source

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['strategy_id'],
            required_ids=['target_policy_id'],
            enums=[
                ['kind', 'strategy_kind']
            ],
            timestamps=['launched_at', 'retired_at'],
            nullable_timestamps=['retired_at']
        ) }} as quarantine_reason
    from typed

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
        quarantine_reason
    from checked

)

select * from final
