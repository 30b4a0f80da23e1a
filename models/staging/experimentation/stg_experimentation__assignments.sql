-- One row per unit assigned to a variant by the assignment service.
-- Clean rows, the first landed copy of each key: the checks are in base_experimentation__assignments.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_experimentation__assignments'), ['assignment_id']) }}

),

final as (

    select
        assignment_id,
        experiment_id,
        unit_id,
        variant,
        assigned_at,
        unit_type,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
