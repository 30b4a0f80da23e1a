-- One row per unit assigned to a variant by the assignment service.
-- Clean rows, the first landed copy of each key: the checks are in base_experimentation__assignments.
with

base as (

    select * from {{ ref('base_experimentation__assignments') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['assignment_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

),

final as (

    select
        assignment_id,
        experiment_id,
        unit_id,
        variant,
        assigned_at,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
