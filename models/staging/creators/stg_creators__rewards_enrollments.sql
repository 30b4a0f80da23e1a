-- One row per enrollment of a creator in a rewards program.
-- Clean rows, the first landed copy of each key: the checks are in base_creators__rewards_enrollments.
with

base as (

    select * from {{ ref('base_creators__rewards_enrollments') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['enrollment_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

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
