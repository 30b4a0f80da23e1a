{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'report_id', 'reporter_user_id', 'video_id', 'reported_at', 'policy_id',
        '_loaded_at'
    ]}
) }}

-- Every raw row of trust_safety.reports: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_trust_safety__reports keeps the
-- clean first copies; stg_trust_safety__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('trust_safety', 'reports') }}

),

typed as (

    select
        cast(report_id as {{ dbt.type_string() }}) as report_id,
        cast(reporter_user_id as {{ dbt.type_string() }}) as reporter_user_id,
        cast(video_id as {{ dbt.type_string() }}) as video_id,
        {{ typed_timestamp('reported_at') }},
        cast(policy_id as {{ dbt.type_string() }}) as policy_id,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['report_id'],
            required_ids=['reporter_user_id', 'video_id', 'policy_id'],
            timestamps=['reported_at']
        ) }} as quarantine_reason
    from typed

),

final as (

    select
        report_id,
        reporter_user_id,
        video_id,
        reported_at,
        policy_id,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
