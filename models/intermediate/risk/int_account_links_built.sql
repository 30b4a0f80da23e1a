-- One row per pair of accounts (user_id_a < user_id_b) linked because they
-- used the same device or the same IP address (salted hashes from staging).
-- Edge rule: a device links its accounts only when at most
-- var risk_max_accounts_per_device (default 50) accounts used it, an IP only
-- when at most var risk_max_accounts_per_ip (default 50) did. Carrier-grade
-- NAT / mobile carrier IPs are used by hundreds of accounts and would merge
-- everyone into one component; a ring's shared devices and IPs carry a few
-- dozen accounts at most. Ordinary households sharing a home IP still make
-- small benign components: the ring score downstream tells them apart.
-- Materialized as a table: the component model reads it once per
-- propagation round, and Spark inlines views. The accounts' devices and IPs
-- come from int_account_hubs_observed (incremental), not from every event.
{{ config(materialized='table') }}
{%- set max_per_device = var('risk_max_accounts_per_device', 50) %}
{%- set max_per_ip = var('risk_max_accounts_per_ip', 50) %}
with

account_hubs as (

    select
        user_id,
        hub_kind,
        hub_id
    from {{ ref('int_account_hubs_observed') }}

),

hub_sizes as (

    select
        hub_kind,
        hub_id,
        count(*) as accounts_on_hub
    from account_hubs
    group by hub_kind, hub_id

),

eligible_hubs as (

    select
        account_hubs.user_id,
        account_hubs.hub_kind,
        account_hubs.hub_id
    from account_hubs
    inner join hub_sizes
        on
            account_hubs.hub_kind = hub_sizes.hub_kind
            and account_hubs.hub_id = hub_sizes.hub_id
    where
        hub_sizes.accounts_on_hub >= 2
        and (
            (hub_sizes.hub_kind = 'device' and hub_sizes.accounts_on_hub <= {{ max_per_device }})
            or (hub_sizes.hub_kind = 'ip' and hub_sizes.accounts_on_hub <= {{ max_per_ip }})
        )

),

pairs as (

    select
        hub_a.user_id as user_id_a,
        hub_b.user_id as user_id_b,
        hub_a.hub_kind
    from eligible_hubs as hub_a
    inner join eligible_hubs as hub_b
        on
            hub_a.hub_kind = hub_b.hub_kind
            and hub_a.hub_id = hub_b.hub_id
            and hub_a.user_id < hub_b.user_id

),

final as (

    select
        user_id_a,
        user_id_b,
        cast(sum(case when hub_kind = 'device' then 1 else 0 end) as {{ dbt.type_bigint() }}) as shared_devices,
        cast(sum(case when hub_kind = 'ip' then 1 else 0 end) as {{ dbt.type_bigint() }}) as shared_ips
    from pairs
    group by user_id_a, user_id_b

)

select * from final
