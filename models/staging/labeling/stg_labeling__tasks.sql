-- One row per labeling task.
-- Clean rows, the first landed copy of each key: the checks are in base_labeling__tasks.
with

base as (

    select * from {{ ref('base_labeling__tasks') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['task_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

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
    from deduplicated
    where landing_order = 1

)

select * from final
