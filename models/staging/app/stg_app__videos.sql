-- One row per published video.
-- Clean rows only: the checks are in base_app__videos.
with

base as (

    select * from {{ ref('base_app__videos') }}

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
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
