{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'click_id', 'impression_id', 'clicked_at', 'revenue_micros', '_loaded_at'
    ]}
) }}

-- Every raw row of ads.clicks: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_ads__clicks keeps the
-- clean first copies; stg_ads__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('ads', 'clicks') }}

),

typed as (

    select
        cast(click_id as {{ dbt.type_string() }}) as click_id,
        cast(impression_id as {{ dbt.type_string() }}) as impression_id,
        {{ typed_timestamp('clicked_at') }},
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
            primary_key=['click_id'],
            required_ids=['impression_id'],
            amounts=['revenue_micros'],
            timestamps=['clicked_at'],
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
        click_id,
        impression_id,
        clicked_at,
        revenue_micros,
        revenue_micros / 1000000.0 as revenue_usd,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
