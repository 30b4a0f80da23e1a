{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'creator_id', 'creator_type', ['tier', 'creator_tier'], 'primary_category',
        'country', 'verified_at', 'registered_at', '_loaded_at'
    ]}
) }}

-- Every raw row of creators.creators: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_creators__creators keeps the
-- clean first copies; stg_creators__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('creators', 'creators') }}

),

typed as (

    select
        cast(creator_id as {{ dbt.type_string() }}) as creator_id,
        cast(creator_type as {{ dbt.type_string() }}) as creator_type,
        cast(tier as {{ dbt.type_string() }}) as tier,
        cast(primary_category as {{ dbt.type_string() }}) as primary_category,
        cast(country as {{ dbt.type_string() }}) as country,
        {{ typed_timestamp('verified_at') }},
        {{ typed_timestamp('registered_at') }},
        {{ typed_timestamp('_loaded_at') }}
    from source

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['creator_id'],
            enums=[
                ['creator_type', 'creator_type'],
                ['tier', 'creator_tier'],
                ['country', 'country']
            ],
            timestamps=['registered_at', 'verified_at'],
            nullable_timestamps=['verified_at']
        ) }} as quarantine_reason
    from typed

),

final as (

    select
        creator_id,
        creator_type,
        tier as creator_tier,
        primary_category,
        country,
        verified_at,
        registered_at,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
