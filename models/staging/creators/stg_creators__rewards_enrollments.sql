-- One row per enrollment of a creator in a rewards program.
-- Clean rows only: the checks are in base_creators__rewards_enrollments.
with

base as (

    select * from {{ ref('base_creators__rewards_enrollments') }}

),

final as (

    select
        enrollment_id,
        creator_id,
        program,
        enrolled_at,
        left_at,
        _loaded_at
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
