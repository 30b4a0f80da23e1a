{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'payout_id', 'creator_id', 'period_start', 'period_end', 'qualified_views',
        'amount_usd', 'paid_at', '_loaded_at'
    ]}
) }}

-- Every raw row of creators.rewards_payouts: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_creators__rewards_payouts keeps the
-- clean first copies; stg_creators__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('creators', 'rewards_payouts') }}

),

typed as (

    select
        cast(payout_id as {{ dbt.type_string() }}) as payout_id,
        cast(creator_id as {{ dbt.type_string() }}) as creator_id,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(qualified_views as {{ dbt.type_bigint() }}) as qualified_views,
        cast(amount_usd as double) as amount_usd,
        {{ typed_timestamp('paid_at') }},
        {{ typed_timestamp('_loaded_at') }}
    from source

),

creator_id_parents as (

    -- distinct: a key known unique lets DuckDB drop the join where the reason is unused
    select distinct creator_id as parent_creator_id
    from {{ ref('stg_creators__creators') }}

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['payout_id'],
            required_ids=['creator_id'],
            amounts=['qualified_views', 'amount_usd'],
            timestamps=['paid_at'],
            orphans=[
                ['creator_id', 'parent_creator_id']
            ]
        ) }} as quarantine_reason
    from typed
    left join creator_id_parents
        on typed.creator_id = creator_id_parents.parent_creator_id

),

final as (

    select
        payout_id,
        creator_id,
        period_start,
        period_end,
        qualified_views,
        amount_usd,
        paid_at,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
