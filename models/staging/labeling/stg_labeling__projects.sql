-- One row per labeling project.
-- Clean rows only: the checks are in base_labeling__projects.
with

base as (

    select * from {{ ref('base_labeling__projects') }}

),

final as (

    select
        project_id,
        project_name,
        task_type,
        pay_per_task_usd,
        started_at,
        _loaded_at
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
