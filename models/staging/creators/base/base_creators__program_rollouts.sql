{{ config(materialized='view') }}

-- Every raw row of creators.program_rollouts: typed, checked against docs/cleaning_rules.md,
-- flagged as duplicate or given its quarantine reason. stg_creators__program_rollouts keeps the
-- clean first copies; stg_creators__rejected_rows keeps the rest.
with

source as (

    select * from {{ raw_table('creators', 'program_rollouts') }}

),

typed as (

    select
        cast(country as {{ dbt.type_string() }}) as country,
        cast(program as {{ dbt.type_string() }}) as program,
        cast(launched_on as date) as launched_on,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    from source

),

checked as (

    select
        typed.*,
        {{ row_as_json([
            'country', 'program', 'launched_on', '_loaded_at'
        ]) }} as raw_row_json,
        {{ quarantine_reason(
            primary_key=['country', 'program'],
            enums=[
                ['country', 'country'],
                ['program', 'program']
            ]
        ) }} as quarantine_reason
    from typed

),

flagged as (

    select
        checked.*,
        {{ is_duplicate_row(['country', 'program']) }} as is_duplicate
    from checked

),

final as (

    select
        country,
        program,
        launched_on,
        _loaded_at,
        quarantine_reason,
        is_duplicate,
        raw_row_json
    from flagged

)

select * from final
