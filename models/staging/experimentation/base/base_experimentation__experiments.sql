{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'experiment_id', 'experiment_name', ['domain', 'experiment_domain'],
        'randomization_unit', 'control_variant', 'variants', 'traffic_shares',
        'started_at', 'ended_at', 'primary_metric', 'hypothesis', '_loaded_at'
    ]}
) }}

-- Every raw row of experimentation.experiments: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_experimentation__experiments keeps the
-- clean first copies; stg_experimentation__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('experimentation', 'experiments') }}

),

typed as (

    select
        cast(experiment_id as {{ dbt.type_string() }}) as experiment_id,
        cast(experiment_name as {{ dbt.type_string() }}) as experiment_name,
        cast(domain as {{ dbt.type_string() }}) as domain,
        cast(randomization_unit as {{ dbt.type_string() }}) as randomization_unit,
        cast(control_variant as {{ dbt.type_string() }}) as control_variant,
        cast(variants as {{ dbt.type_string() }}) as variants,
        cast(traffic_shares as {{ dbt.type_string() }}) as traffic_shares,
        {{ typed_timestamp('started_at') }},
        {{ typed_timestamp('ended_at') }},
        cast(primary_metric as {{ dbt.type_string() }}) as primary_metric,
        cast(hypothesis as {{ dbt.type_string() }}) as hypothesis,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['experiment_id'],
            enums=[
                ['domain', 'experiment_domain'],
                ['randomization_unit', 'randomization_unit']
            ],
            timestamps=['started_at'],
            unbounded_timestamps=['ended_at']
        ) }} as quarantine_reason
    from typed

),

final as (

    select
        experiment_id,
        experiment_name,
        domain as experiment_domain,
        randomization_unit,
        control_variant,
        variants,
        traffic_shares,
        started_at,
        ended_at,
        primary_metric,
        hypothesis,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
