-- One row per country and program: when the program launched there.
-- Clean rows only: the checks are in base_creators__program_rollouts.
with

base as (

    select * from {{ ref('base_creators__program_rollouts') }}

),

final as (

    select
        country,
        program,
        launched_on,
        _loaded_at
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
