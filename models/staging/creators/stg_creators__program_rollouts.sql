-- One row per country and program: when the program launched there.
-- Clean rows, the first landed copy of each key: the checks are in base_creators__program_rollouts.
with

base as (

    select * from {{ ref('base_creators__program_rollouts') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['country', 'program']) }} as landing_order
    from base
    where base.quarantine_reason is null

),

final as (

    select
        country,
        program,
        launched_on,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
