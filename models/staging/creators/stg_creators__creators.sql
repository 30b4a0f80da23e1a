-- One row per registered creator (a user who joined the creator program system).
-- Clean rows, the first landed copy of each key: the checks are in base_creators__creators.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_creators__creators'), ['creator_id']) }}

),

final as (

    select
        creator_id,
        creator_type,
        creator_tier,
        primary_category,
        country,
        verified_at,
        registered_at,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
