{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'appeal_id', 'decision_id', 'appealed_at', 'resolved_at',
        ['outcome', 'appeal_outcome'], '_loaded_at'
    ]}
) }}

-- Every raw row of trust_safety.appeals: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_trust_safety__appeals keeps the
-- clean first copies; stg_trust_safety__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('trust_safety', 'appeals') }}

),

typed as (

    select
        cast(appeal_id as {{ dbt.type_string() }}) as appeal_id,
        cast(decision_id as {{ dbt.type_string() }}) as decision_id,
        {{ typed_timestamp('appealed_at') }},
        {{ typed_timestamp('resolved_at') }},
        cast(outcome as {{ dbt.type_string() }}) as outcome,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

decision_id_parents as (

    -- distinct: a key known unique lets DuckDB drop the join where the reason is unused
    select distinct decision_id as parent_decision_id
    from {{ ref('stg_trust_safety__moderation_decisions') }}

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['appeal_id'],
            required_ids=['decision_id'],
            enums=[
                ['outcome', 'appeal_outcome']
            ],
            timestamps=['appealed_at', 'resolved_at'],
            nullable_timestamps=['resolved_at'],
            orphans=[
                ['decision_id', 'parent_decision_id']
            ]
        ) }} as quarantine_reason
    from typed
    left join decision_id_parents
        on typed.decision_id = decision_id_parents.parent_decision_id

),

final as (

    select
        appeal_id,
        decision_id,
        appealed_at,
        resolved_at,
        outcome as appeal_outcome,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
