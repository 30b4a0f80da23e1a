-- One row per labeling project.
-- Clean rows, the first landed copy of each key: the checks are in base_labeling__projects.
with

base as (

    select * from {{ ref('base_labeling__projects') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['project_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

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
