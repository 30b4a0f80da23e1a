{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'assignment_id', 'experiment_id', 'unit_id', 'variant', 'assigned_at',
        'unit_type', '_loaded_at'
    ]}
) }}

-- Every raw row of experimentation.assignments: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_experimentation__assignments keeps the
-- clean first copies; stg_experimentation__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('experimentation', 'assignments') }}

),

typed as (

    select
        cast(assignment_id as {{ dbt.type_string() }}) as assignment_id,
        cast(experiment_id as {{ dbt.type_string() }}) as experiment_id,
        cast(unit_id as {{ dbt.type_string() }}) as unit_id,
        cast(variant as {{ dbt.type_string() }}) as variant,
        {{ typed_timestamp('assigned_at') }},
        -- added column (marketplace experiments): the side of a two-sided experiment the
        -- unit is on; null means the experiment's randomization_unit
        cast(unit_type as {{ dbt.type_string() }}) as unit_type,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

experiment_id_parents as (

    -- distinct: a key known unique lets DuckDB drop the join where the reason is unused
    select distinct experiment_id as parent_experiment_id
    from {{ ref('stg_experimentation__experiments') }}

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['assignment_id'],
            required_ids=['experiment_id', 'unit_id'],
            enums=[
                ['unit_type', 'assignment_unit_type', true]
            ],
            timestamps=['assigned_at'],
            orphans=[
                ['experiment_id', 'parent_experiment_id']
            ]
        ) }} as quarantine_reason
    from typed
    left join experiment_id_parents
        on typed.experiment_id = experiment_id_parents.parent_experiment_id

),

final as (

    select
        assignment_id,
        experiment_id,
        unit_id,
        variant,
        assigned_at,
        unit_type,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
