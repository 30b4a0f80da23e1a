{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'project_id', 'project_name', 'task_type', 'pay_per_task_usd', 'started_at',
        '_loaded_at'
    ]}
) }}

-- Every raw row of labeling.projects: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_labeling__projects keeps the
-- clean first copies; stg_labeling__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('labeling', 'projects') }}

),

typed as (

    select
        cast(project_id as {{ dbt.type_string() }}) as project_id,
        cast(project_name as {{ dbt.type_string() }}) as project_name,
        cast(task_type as {{ dbt.type_string() }}) as task_type,
        cast(pay_per_task_usd as double) as pay_per_task_usd,
        {{ typed_timestamp('started_at') }},
        {{ typed_timestamp('_loaded_at') }}
    from source

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['project_id'],
            enums=[
                ['task_type', 'task_type']
            ],
            amounts=['pay_per_task_usd'],
            timestamps=['started_at']
        ) }} as quarantine_reason
    from typed

),

final as (

    select
        project_id,
        project_name,
        task_type,
        pay_per_task_usd,
        started_at,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
