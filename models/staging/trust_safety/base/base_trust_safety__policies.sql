{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'policy_id', 'policy_name', ['severity', 'policy_severity'], '_loaded_at'
    ]}
) }}

-- Every raw row of trust_safety.policies: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_trust_safety__policies keeps the
-- clean first copies; stg_trust_safety__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('trust_safety', 'policies') }}

),

typed as (

    select
        cast(policy_id as {{ dbt.type_string() }}) as policy_id,
        cast(policy_name as {{ dbt.type_string() }}) as policy_name,
        cast(severity as {{ dbt.type_string() }}) as severity,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['policy_id'],
            enums=[
                ['severity', 'policy_severity']
            ]
        ) }} as quarantine_reason
    from typed

),

final as (

    select
        policy_id,
        policy_name,
        severity as policy_severity,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
