-- One row per published video.
-- Clean rows, the first landed copy of each key: the checks are in base_app__videos.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_app__videos'), ['video_id']) }}

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
