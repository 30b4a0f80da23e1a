{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'impression_id', 'request_id', 'user_id', 'campaign_id', 'ad_id', 'shown_at',
        'placement', 'revenue_micros', '_loaded_at'
    ]}
) }}

-- Every raw row of ads.impressions: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_ads__impressions keeps the
-- clean first copies; stg_ads__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('ads', 'impressions') }}

),

typed as (

    select
        cast(impression_id as {{ dbt.type_string() }}) as impression_id,
        cast(request_id as {{ dbt.type_string() }}) as request_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(ad_id as {{ dbt.type_string() }}) as ad_id,
        {{ typed_timestamp('shown_at') }},
        cast(placement as {{ dbt.type_string() }}) as placement,
        cast(revenue_micros as {{ dbt.type_bigint() }}) as revenue_micros,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

request_id_parents as (

    -- distinct: a key known unique lets DuckDB drop the join where the reason is unused
    select distinct request_id as parent_request_id
    from {{ ref('stg_ads__ad_requests') }}

),

campaign_id_parents as (

    -- distinct: a key known unique lets DuckDB drop the join where the reason is unused
    select distinct campaign_id as parent_campaign_id
    from {{ ref('stg_ads__campaigns') }}

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['impression_id'],
            required_ids=['request_id', 'user_id', 'campaign_id', 'ad_id'],
            enums=[
                ['placement', 'ad_placement']
            ],
            amounts=['revenue_micros'],
            timestamps=['shown_at'],
            orphans=[
                ['request_id', 'parent_request_id'],
                ['campaign_id', 'parent_campaign_id']
            ]
        ) }} as quarantine_reason
    from typed
    left join request_id_parents
        on typed.request_id = request_id_parents.parent_request_id
    left join campaign_id_parents
        on typed.campaign_id = campaign_id_parents.parent_campaign_id

),

final as (

    select
        impression_id,
        request_id,
        user_id,
        campaign_id,
        ad_id,
        shown_at,
        placement,
        revenue_micros,
        revenue_micros / 1000000.0 as revenue_usd,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
