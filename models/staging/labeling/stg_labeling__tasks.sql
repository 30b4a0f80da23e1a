-- One row per labeling task.
-- Clean rows only: the checks are in base_labeling__tasks.
with

base as (

    select * from {{ ref('base_labeling__tasks') }}

),

final as (

    select
        task_id,
        project_id,
        created_at,
        is_gold,
        gold_answer,
        task_difficulty,
        _loaded_at
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
