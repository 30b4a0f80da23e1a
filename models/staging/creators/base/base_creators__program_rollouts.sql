{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'country', 'program', 'launched_on', '_loaded_at'
    ]}
) }}

-- Every raw row of creators.program_rollouts: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_creators__program_rollouts keeps the
-- clean first copies; stg_creators__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('creators', 'program_rollouts') }}

),

typed as (

    select
        cast(country as {{ dbt.type_string() }}) as country,
        cast(program as {{ dbt.type_string() }}) as program,
        cast(launched_on as date) as launched_on,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['country', 'program'],
            enums=[
                ['country', 'country'],
                ['program', 'program']
            ]
        ) }} as quarantine_reason
    from typed

),

final as (

    select
        country,
        program,
        launched_on,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
