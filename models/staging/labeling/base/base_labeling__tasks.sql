{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'task_id', 'project_id', 'created_at', 'is_gold', 'gold_answer',
        ['difficulty', 'task_difficulty'], '_loaded_at'
    ]}
) }}

-- Every raw row of labeling.tasks: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_labeling__tasks keeps the
-- clean first copies; stg_labeling__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('labeling', 'tasks') }}

),

typed as (

    select
        cast(task_id as {{ dbt.type_string() }}) as task_id,
        cast(project_id as {{ dbt.type_string() }}) as project_id,
        {{ typed_timestamp('created_at') }},
        cast(is_gold as boolean) as is_gold,
        cast(gold_answer as {{ dbt.type_string() }}) as gold_answer,
        cast(difficulty as {{ dbt.type_string() }}) as difficulty,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

project_id_parents as (

    -- distinct: a key known unique lets DuckDB drop the join where the reason is unused
    select distinct project_id as parent_project_id
    from {{ ref('stg_labeling__projects') }}

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['task_id'],
            required_ids=['project_id'],
            enums=[
                ['difficulty', 'task_difficulty']
            ],
            timestamps=['created_at'],
            orphans=[
                ['project_id', 'parent_project_id']
            ]
        ) }} as quarantine_reason
    from typed
    left join project_id_parents
        on typed.project_id = project_id_parents.parent_project_id

),

final as (

    select
        task_id,
        project_id,
        created_at,
        is_gold,
        gold_answer,
        difficulty as task_difficulty,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
