-- One row per unit assigned to a variant by the assignment service.
-- Clean rows only: the checks are in base_experimentation__assignments.
with

base as (

    select * from {{ ref('base_experimentation__assignments') }}

),

final as (

    select
        assignment_id,
        experiment_id,
        unit_id,
        variant,
        assigned_at,
        _loaded_at
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
