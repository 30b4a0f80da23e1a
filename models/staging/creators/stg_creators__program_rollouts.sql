-- One row per country and program: when the program launched there.
-- Clean rows, the first landed copy of each key: the checks are in base_creators__program_rollouts.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_creators__program_rollouts'), ['country', 'program']) }}

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
