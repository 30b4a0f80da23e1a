-- One row per published video.
-- Clean rows, the first landed copy of each key: the checks are in base_app__videos.
with

base as (

    select * from {{ ref('base_app__videos') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['video_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

),

final as (

    select
        video_id,
        creator_id,
        published_at,
        duration_seconds,
        category,
        language,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
