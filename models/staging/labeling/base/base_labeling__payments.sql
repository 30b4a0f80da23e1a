{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'payment_id', 'labeler_id', 'paid_at', 'amount_usd', ['kind', 'payment_kind'],
        '_loaded_at'
    ]}
) }}

-- Every raw row of labeling.payments: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_labeling__payments keeps the
-- clean first copies; stg_labeling__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('labeling', 'payments') }}

),

typed as (

    select
        cast(payment_id as {{ dbt.type_string() }}) as payment_id,
        cast(labeler_id as {{ dbt.type_string() }}) as labeler_id,
        {{ typed_timestamp('paid_at') }},
        cast(amount_usd as double) as amount_usd,
        cast(kind as {{ dbt.type_string() }}) as kind,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

labeler_id_parents as (

    -- distinct: a key known unique lets DuckDB drop the join where the reason is unused
    select distinct labeler_id as parent_labeler_id
    from {{ ref('stg_labeling__labelers') }}

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['payment_id'],
            required_ids=['labeler_id'],
            enums=[
                ['kind', 'payment_kind']
            ],
            amounts=['amount_usd'],
            timestamps=['paid_at'],
            orphans=[
                ['labeler_id', 'parent_labeler_id']
            ]
        ) }} as quarantine_reason
    from typed
    left join labeler_id_parents
        on typed.labeler_id = labeler_id_parents.parent_labeler_id

),

final as (

    select
        payment_id,
        labeler_id,
        paid_at,
        amount_usd,
        kind as payment_kind,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
