{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'enrollment_id', 'creator_id', 'program', 'enrolled_at', 'left_at',
        '_loaded_at'
    ]}
) }}

-- Every raw row of creators.rewards_enrollments: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_creators__rewards_enrollments keeps the
-- clean first copies; stg_creators__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('creators', 'rewards_enrollments') }}

),

typed as (

    select
        cast(enrollment_id as {{ dbt.type_string() }}) as enrollment_id,
        cast(creator_id as {{ dbt.type_string() }}) as creator_id,
        cast(program as {{ dbt.type_string() }}) as program,
        {{ typed_timestamp('enrolled_at') }},
        {{ typed_timestamp('left_at') }},
        {{ typed_timestamp('_loaded_at') }}
    from source

),

creator_id_parents as (

    -- distinct: a key known unique lets DuckDB drop the join where the reason is unused
    select distinct creator_id as parent_creator_id
    from {{ ref('stg_creators__creators') }}

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['enrollment_id'],
            required_ids=['creator_id'],
            enums=[
                ['program', 'program']
            ],
            timestamps=['enrolled_at', 'left_at'],
            nullable_timestamps=['left_at'],
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
        enrollment_id,
        creator_id,
        program,
        enrolled_at,
        left_at,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
