{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'advertiser_id', ['name', 'advertiser_name'], 'industry', 'country',
        '_loaded_at'
    ]}
) }}

-- Every raw row of ads.advertisers: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_ads__advertisers keeps the
-- clean first copies; stg_ads__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('ads', 'advertisers') }}

),

typed as (

    select
        cast(advertiser_id as {{ dbt.type_string() }}) as advertiser_id,
        cast(name as {{ dbt.type_string() }}) as name,
        cast(industry as {{ dbt.type_string() }}) as industry,
        cast(country as {{ dbt.type_string() }}) as country,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['advertiser_id'],
            enums=[
                ['country', 'country']
            ]
        ) }} as quarantine_reason
    from typed

),

final as (

    select
        advertiser_id,
        name as advertiser_name,
        industry,
        country,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
