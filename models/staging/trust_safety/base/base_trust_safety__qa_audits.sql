{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'audit_id', 'decision_id', 'video_id', 'audited_at', 'is_violating',
        'policy_id', 'sampling_stratum', 'sampling_weight', '_loaded_at'
    ]}
) }}

-- Every raw row of trust_safety.qa_audits: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_trust_safety__qa_audits keeps the
-- clean first copies; stg_trust_safety__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('trust_safety', 'qa_audits') }}

),

typed as (

    select
        cast(audit_id as {{ dbt.type_string() }}) as audit_id,
        cast(decision_id as {{ dbt.type_string() }}) as decision_id,
        cast(video_id as {{ dbt.type_string() }}) as video_id,
        {{ typed_timestamp('audited_at') }},
        cast(is_violating as boolean) as is_violating,
        cast(policy_id as {{ dbt.type_string() }}) as policy_id,
        cast(sampling_stratum as {{ dbt.type_string() }}) as sampling_stratum,
        cast(sampling_weight as double) as sampling_weight,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['audit_id'],
            required_ids=['video_id'],
            optional_ids=['decision_id', 'policy_id'],
            weights=['sampling_weight'],
            timestamps=['audited_at']
        ) }} as quarantine_reason
    from typed

),

final as (

    select
        audit_id,
        decision_id,
        video_id,
        audited_at,
        is_violating,
        policy_id,
        sampling_stratum,
        sampling_weight,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
