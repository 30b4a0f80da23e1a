{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'submission_id', 'task_id', 'labeler_id', 'started_at', 'submitted_at',
        'answer', 'is_skipped', '_loaded_at'
    ]}
) }}

-- Every raw row of labeling.submissions: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_labeling__submissions keeps the
-- clean first copies; stg_labeling__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('labeling', 'submissions') }}

),

typed as (

    select
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(task_id as {{ dbt.type_string() }}) as task_id,
        cast(labeler_id as {{ dbt.type_string() }}) as labeler_id,
        {{ typed_timestamp('started_at') }},
        {{ typed_timestamp('submitted_at') }},
        cast(answer as {{ dbt.type_string() }}) as answer,
        cast(is_skipped as boolean) as is_skipped,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

task_id_parents as (

    -- distinct: a key known unique lets DuckDB drop the join where the reason is unused
    select distinct task_id as parent_task_id
    from {{ ref('stg_labeling__tasks') }}

),

labeler_id_parents as (

    -- distinct: a key known unique lets DuckDB drop the join where the reason is unused
    select distinct labeler_id as parent_labeler_id
    from {{ ref('stg_labeling__labelers') }}

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['submission_id'],
            required_ids=['task_id', 'labeler_id'],
            timestamps=['started_at', 'submitted_at'],
            orphans=[
                ['task_id', 'parent_task_id'],
                ['labeler_id', 'parent_labeler_id']
            ]
        ) }} as quarantine_reason
    from typed
    left join task_id_parents
        on typed.task_id = task_id_parents.parent_task_id
    left join labeler_id_parents
        on typed.labeler_id = labeler_id_parents.parent_labeler_id

),

final as (

    select
        submission_id,
        task_id,
        labeler_id,
        started_at,
        submitted_at,
        answer,
        is_skipped,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
