{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'sample_id', 'event_id', 'sampled_at', 'is_violating', 'policy_id',
        'sampling_weight', '_loaded_at'
    ]}
) }}

-- Every raw row of trust_safety.prevalence_samples: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_trust_safety__prevalence_samples keeps the
-- clean first copies; stg_trust_safety__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('trust_safety', 'prevalence_samples') }}

),

typed as (

    select
        cast(sample_id as {{ dbt.type_string() }}) as sample_id,
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        {{ typed_timestamp('sampled_at') }},
        cast(is_violating as boolean) as is_violating,
        cast(policy_id as {{ dbt.type_string() }}) as policy_id,
        cast(sampling_weight as double) as sampling_weight,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['sample_id'],
            required_ids=['event_id'],
            optional_ids=['policy_id'],
            weights=['sampling_weight'],
            timestamps=['sampled_at']
        ) }} as quarantine_reason
    from typed

),

final as (

    select
        sample_id,
        event_id,
        sampled_at,
        is_violating,
        policy_id,
        sampling_weight,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
