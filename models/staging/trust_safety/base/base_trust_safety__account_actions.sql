{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'action_id', 'user_id', ['action', 'account_action'], 'acted_at',
        ['reason', 'action_reason'], '_loaded_at'
    ]}
) }}

-- Every raw row of trust_safety.account_actions: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_trust_safety__account_actions keeps the
-- clean first copies; stg_trust_safety__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('trust_safety', 'account_actions') }}

),

typed as (

    select
        cast(action_id as {{ dbt.type_string() }}) as action_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(action as {{ dbt.type_string() }}) as action,
        {{ typed_timestamp('acted_at') }},
        cast(reason as {{ dbt.type_string() }}) as reason,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['action_id'],
            required_ids=['user_id'],
            enums=[
                ['action', 'account_action'],
                ['reason', 'account_action_reason']
            ],
            timestamps=['acted_at']
        ) }} as quarantine_reason
    from typed

),

final as (

    select
        action_id,
        user_id,
        action as account_action,
        acted_at,
        reason as action_reason,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
