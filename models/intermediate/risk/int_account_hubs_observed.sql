-- One row per account x hub (a device or an IP address, salted hashes from
-- staging) the account was seen on in any app event: the nodes and hubs of
-- the account graph (int_account_links_built). Incremental (docs/incremental.md):
-- the set only grows, so a run adds the pairs of the events that landed inside
-- the lookback window that are not in the table yet, instead of a distinct over
-- every event (which was most of the links model's time: docs/benchmarks.md).
-- first_loaded_at: landing time of the earliest event the pair was first seen
-- in (the table's watermark).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with

events as {{ not_materialized() }} (

    select * from {{ ref('stg_app__events') }}
    where {{ landed_in_lookback_window(watermark='first_loaded_at') }}

),

hubs_seen as (

    select
        user_id,
        'device' as hub_kind,
        device_id_hash as hub_id,
        min(_loaded_at) as first_loaded_at
    from events
    where device_id_hash is not null
    group by user_id, device_id_hash
    union all
    select
        user_id,
        'ip' as hub_kind,
        ip_address_hash as hub_id,
        min(_loaded_at) as first_loaded_at
    from events
    where ip_address_hash is not null
    group by user_id, ip_address_hash

),

final as (

    select * from hubs_seen
    {%- if is_incremental() %}
    where not exists (
        select 1
        from {{ this }} as observed
        where
            observed.user_id = hubs_seen.user_id
            and observed.hub_kind = hubs_seen.hub_kind
            and observed.hub_id = hubs_seen.hub_id
    )
    {%- endif %}

)

select * from final
