-- Invariant: in fct_account_networks an account network is a suspected ring exactly when it
-- has at least var risk_min_ring_size (default 5) member accounts, and each network's
-- member_accounts equals its members in dim_account_network_members, which carry the
-- network's ring flag. Why: the ring flag is the one input enforcement reads; the size rule
-- is documented (docs/risk.md), and a member table that disagreed with its network would flag
-- accounts of a network that is no ring. Returns the networks that break it.
{%- set min_ring_size = var('risk_min_ring_size', 5) %}
with

networks as (

    select * from {{ ref('fct_account_networks') }}

),

members as (

    select * from {{ ref('dim_account_network_members') }}

),

members_per_network as (

    select
        component_id,
        count(*) as members,
        sum(case when is_suspected_ring then 1 else 0 end) as members_flagged
    from members
    group by component_id

),

final as (

    select
        networks.component_id,
        networks.member_accounts,
        networks.is_suspected_ring,
        members_per_network.members,
        members_per_network.members_flagged
    from networks
    left join members_per_network
        on networks.component_id = members_per_network.component_id
    where
        networks.is_suspected_ring <> (networks.member_accounts >= {{ min_ring_size }})
        or coalesce(members_per_network.members, 0) <> networks.member_accounts
        or members_per_network.members_flagged
        <> case when networks.is_suspected_ring then members_per_network.members else 0 end

)

select * from final
