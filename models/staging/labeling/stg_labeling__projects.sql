-- One row per labeling project.
-- Clean rows, the first landed copy of each key: the checks are in base_labeling__projects.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_labeling__projects'), ['project_id']) }}

),

final as (

    select
        project_id,
        project_name,
        task_type,
        pay_per_task_usd,
        started_at,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
