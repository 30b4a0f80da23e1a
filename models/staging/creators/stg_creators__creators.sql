-- One row per registered creator (a user who joined the creator program system).
-- Clean rows only: the checks are in base_creators__creators.
with

base as (

    select * from {{ ref('base_creators__creators') }}

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
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
