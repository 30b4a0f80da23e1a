-- One row per published (staged) video: its creator, publish day and
-- attributes. The entity-grain table the MetricFlow semantic layer counts
-- videos published and creators posting on (every staged video, by
-- published_at day, as contracts/public_marts.md defines them), sliceable by
-- category, language or the creator's attributes (creator_user__*, dim_users).
-- A view: it only renames the staged table's columns.
{{ config(materialized='view') }}
with

videos as (

    select * from {{ ref('stg_app__videos') }}

),

final as (

    select
        video_id,
        creator_id,
        published_at,
        cast(published_at as date) as published_date,
        duration_seconds,
        category,
        language
    from videos

)

select * from final
