{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'conversion_id', 'click_id', 'impression_id', 'converted_at',
        'conversion_type', 'value_micros', 'revenue_micros', '_loaded_at'
    ]}
) }}

-- Every raw row of ads.conversions: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_ads__conversions keeps the
-- clean first copies; stg_ads__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('ads', 'conversions') }}

),

typed as (

    select
        cast(conversion_id as {{ dbt.type_string() }}) as conversion_id,
        cast(click_id as {{ dbt.type_string() }}) as click_id,
        cast(impression_id as {{ dbt.type_string() }}) as impression_id,
        {{ typed_timestamp('converted_at') }},
        cast(conversion_type as {{ dbt.type_string() }}) as conversion_type,
        cast(value_micros as {{ dbt.type_bigint() }}) as value_micros,
        cast(revenue_micros as {{ dbt.type_bigint() }}) as revenue_micros,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

impression_id_parents as (

    -- distinct: a key known unique lets DuckDB drop the join where the reason is unused
    select distinct impression_id as parent_impression_id
    from {{ ref('stg_ads__impressions') }}

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['conversion_id'],
            required_ids=['impression_id'],
            optional_ids=['click_id'],
            enums=[
                ['conversion_type', 'conversion_type']
            ],
            amounts=['value_micros', 'revenue_micros'],
            timestamps=['converted_at'],
            orphans=[
                ['impression_id', 'parent_impression_id']
            ]
        ) }} as quarantine_reason
    from typed
    left join impression_id_parents
        on typed.impression_id = impression_id_parents.parent_impression_id

),

final as (

    select
        conversion_id,
        click_id,
        impression_id,
        converted_at,
        conversion_type,
        value_micros,
        value_micros / 1000000.0 as value_usd,
        revenue_micros,
        revenue_micros / 1000000.0 as revenue_usd,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
