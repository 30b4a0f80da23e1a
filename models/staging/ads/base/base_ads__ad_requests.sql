{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'request_id', 'user_id', 'requested_at', 'placement', 'is_filled',
        '_loaded_at'
    ]}
) }}

-- Every raw row of ads.ad_requests: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_ads__ad_requests keeps the
-- clean first copies; stg_ads__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('ads', 'ad_requests') }}

),

typed as (

    select
        cast(request_id as {{ dbt.type_string() }}) as request_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        {{ typed_timestamp('requested_at') }},
        cast(placement as {{ dbt.type_string() }}) as placement,
        cast(is_filled as boolean) as is_filled,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['request_id'],
            required_ids=['user_id'],
            enums=[
                ['placement', 'ad_placement']
            ],
            timestamps=['requested_at']
        ) }} as quarantine_reason
    from typed

),

final as (

    select
        request_id,
        user_id,
        requested_at,
        placement,
        is_filled,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
