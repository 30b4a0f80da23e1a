-- One row per labeling task.
-- Clean rows, the first landed copy of each key: the checks are in base_labeling__tasks.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_labeling__tasks'), ['task_id']) }}

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
