{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'campaign_id', 'advertiser_id', 'objective', 'bid_type', 'bid_micros',
        'daily_budget_micros', 'start_date', 'end_date', '_loaded_at'
    ]}
) }}

-- Every raw row of ads.campaigns: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_ads__campaigns keeps the
-- clean first copies; stg_ads__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('ads', 'campaigns') }}

),

typed as (

    select
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(advertiser_id as {{ dbt.type_string() }}) as advertiser_id,
        cast(objective as {{ dbt.type_string() }}) as objective,
        cast(bid_type as {{ dbt.type_string() }}) as bid_type,
        cast(bid_micros as {{ dbt.type_bigint() }}) as bid_micros,
        cast(daily_budget_micros as {{ dbt.type_bigint() }}) as daily_budget_micros,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

advertiser_id_parents as (

    -- distinct: a key known unique lets DuckDB drop the join where the reason is unused
    select distinct advertiser_id as parent_advertiser_id
    from {{ ref('stg_ads__advertisers') }}

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['campaign_id'],
            required_ids=['advertiser_id'],
            enums=[
                ['objective', 'campaign_objective'],
                ['bid_type', 'bid_type']
            ],
            amounts=['bid_micros', 'daily_budget_micros'],
            orphans=[
                ['advertiser_id', 'parent_advertiser_id']
            ]
        ) }} as quarantine_reason
    from typed
    left join advertiser_id_parents
        on typed.advertiser_id = advertiser_id_parents.parent_advertiser_id

),

final as (

    select
        campaign_id,
        advertiser_id,
        objective,
        bid_type,
        bid_micros,
        bid_micros / 1000000.0 as bid_usd,
        daily_budget_micros,
        daily_budget_micros / 1000000.0 as daily_budget_usd,
        start_date,
        end_date,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
