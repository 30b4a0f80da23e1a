-- One row per viewer x video x UTC day with at least one qualifying view
-- (For You, >= 5 s, not a self view): the creator rewards program counts one
-- qualified view per viewer per video per day.
-- No _loaded_at here: a daily run (data_tests_scope: recent) tests the rows
-- from the day of the earliest stg_app__events row inside its lookback window
-- (the tests' `where`, docs/incremental.md).
with

views as (

    select * from {{ ref('int_video_views_attributed') }}

),

final as (

    select
        viewer_id,
        video_id,
        view_date,
        creator_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as qualifying_view_events
    from views
    where is_qualifying_view
    group by
        viewer_id,
        video_id,
        view_date,
        creator_id

)

select * from final
