-- One row per enrollment of a creator in a rewards program.
-- Clean rows, the first landed copy of each key: the checks are in base_creators__rewards_enrollments.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_creators__rewards_enrollments'), ['enrollment_id']) }}

),

final as (

    select
        enrollment_id,
        creator_id,
        program,
        enrolled_at,
        left_at,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
