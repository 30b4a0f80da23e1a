{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'labeler_id', 'joined_at', 'country', ['tier', 'labeler_tier'],
        'referral_source', '_loaded_at'
    ]}
) }}

-- Every raw row of labeling.labelers: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_labeling__labelers keeps the
-- clean first copies; stg_labeling__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('labeling', 'labelers') }}

),

typed as (

    select
        cast(labeler_id as {{ dbt.type_string() }}) as labeler_id,
        {{ typed_timestamp('joined_at') }},
        cast(country as {{ dbt.type_string() }}) as country,
        cast(tier as {{ dbt.type_string() }}) as tier,
        cast(referral_source as {{ dbt.type_string() }}) as referral_source,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['labeler_id'],
            enums=[
                ['country', 'country'],
                ['tier', 'labeler_tier']
            ],
            timestamps=['joined_at']
        ) }} as quarantine_reason
    from typed

),

final as (

    select
        labeler_id,
        joined_at,
        country,
        tier as labeler_tier,
        referral_source,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
