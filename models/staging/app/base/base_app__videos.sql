{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'video_id', 'creator_id', 'published_at', ['duration_s', 'duration_seconds'],
        'category', 'language', '_loaded_at'
    ]}
) }}

-- Every raw row of app.videos: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_app__videos keeps the
-- clean first copies; stg_app__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('app', 'videos') }}

),

typed as (

    select
        cast(video_id as {{ dbt.type_string() }}) as video_id,
        cast(creator_id as {{ dbt.type_string() }}) as creator_id,
        {{ typed_timestamp('published_at') }},
        cast(duration_s as {{ dbt.type_int() }}) as duration_s,
        cast(category as {{ dbt.type_string() }}) as category,
        cast(language as {{ dbt.type_string() }}) as language,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

creator_id_parents as (

    -- distinct: a key known unique lets DuckDB drop the join where the reason is unused
    select distinct user_id as parent_creator_id
    from {{ ref('stg_app__users') }}

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['video_id'],
            required_ids=['creator_id'],
            amounts=['duration_s'],
            timestamps=['published_at'],
            orphans=[
                ['creator_id', 'parent_creator_id']
            ]
        ) }} as quarantine_reason
    from typed
    left join creator_id_parents
        on typed.creator_id = creator_id_parents.parent_creator_id

),

final as (

    select
        video_id,
        creator_id,
        published_at,
        duration_s as duration_seconds,
        category,
        language,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
