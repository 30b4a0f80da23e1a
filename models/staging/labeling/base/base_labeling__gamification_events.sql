{{ config(
    materialized='view',
    meta={'raw_row_json': [
        ['event_id', 'gamification_event_id'], 'labeler_id', 'event_at', 'event_type',
        'xp', 'badge_id', 'quest_id', 'level', '_loaded_at'
    ]}
) }}

-- Every raw row of labeling.gamification_events: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_labeling__gamification_events keeps the
-- clean first copies; stg_labeling__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('labeling', 'gamification_events') }}

),

typed as (

    select
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(labeler_id as {{ dbt.type_string() }}) as labeler_id,
        {{ typed_timestamp('event_at') }},
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        cast(xp as {{ dbt.type_int() }}) as xp,
        cast(badge_id as {{ dbt.type_string() }}) as badge_id,
        cast(quest_id as {{ dbt.type_string() }}) as quest_id,
        cast(level as {{ dbt.type_int() }}) as level,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

labeler_id_parents as (

    -- distinct: a key known unique lets DuckDB drop the join where the reason is unused
    select distinct labeler_id as parent_labeler_id
    from {{ ref('stg_labeling__labelers') }}

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['event_id'],
            required_ids=['labeler_id'],
            optional_ids=['badge_id', 'quest_id'],
            enums=[
                ['event_type', 'gamification_event_type']
            ],
            amounts=['xp'],
            timestamps=['event_at'],
            orphans=[
                ['labeler_id', 'parent_labeler_id']
            ]
        ) }} as quarantine_reason
    from typed
    left join labeler_id_parents
        on typed.labeler_id = labeler_id_parents.parent_labeler_id

),

final as (

    select
        event_id as gamification_event_id,
        labeler_id,
        event_at,
        event_type,
        xp,
        badge_id,
        quest_id,
        level,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
