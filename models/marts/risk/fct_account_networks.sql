-- One row per connected component of the account graph (accounts linked by a
-- shared device or IP, see int_account_links_built): its size, how densely
-- and through what it is linked, how many of its accounts were already
-- enforced, and a ring score.
--   is_suspected_ring: accounts >= var risk_min_ring_size (default 5). Only
--     graph structure decides it, so python_checks can score the graph
--     method against the simulator's rings without enforcement leaking in.
--   ring_score in [0, 1] ranks components for review:
--     0.5 * least(1, (member_accounts - 1) / (min_ring_size - 1))
--     + 0.3 * share of linked pairs that share a device
--     + 0.2 * share of accounts with any account action
{%- set min_ring_size = var('risk_min_ring_size', 5) %}
with

members as (

    select * from {{ ref('int_account_components_labeled') }}

),

links as (

    select * from {{ ref('int_account_links_built') }}

),

account_actions as (

    select * from {{ ref('stg_trust_safety__account_actions') }}

),

enforced_accounts as (

    select
        user_id,
        max(case when action_reason = 'coordinated_inauthentic_behavior' then 1 else 0 end) as has_cib_action
    from account_actions
    group by user_id

),

member_stats as (

    select
        members.component_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as member_accounts,
        cast(sum(case when enforced_accounts.user_id is not null then 1 else 0 end) as {{ dbt.type_bigint() }})
            as enforced_accounts,
        cast(sum(coalesce(enforced_accounts.has_cib_action, 0)) as {{ dbt.type_bigint() }})
            as cib_enforced_accounts
    from members
    left join enforced_accounts
        on members.user_id = enforced_accounts.user_id
    group by members.component_id

),

link_stats as (

    select
        members.component_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as links,
        cast(sum(case when links.shared_devices > 0 then 1 else 0 end) as {{ dbt.type_bigint() }}) as device_links,
        cast(sum(case when links.shared_ips > 0 then 1 else 0 end) as {{ dbt.type_bigint() }}) as ip_links
    from links
    inner join members
        on links.user_id_a = members.user_id
    group by members.component_id

),

scored as (

    select
        member_stats.component_id,
        member_stats.member_accounts,
        coalesce(link_stats.links, 0) as links,
        coalesce(link_stats.device_links, 0) as device_links,
        coalesce(link_stats.ip_links, 0) as ip_links,
        cast(
            coalesce(link_stats.links, 0)
            / nullif(member_stats.member_accounts * (member_stats.member_accounts - 1) / 2.0, 0) as double
        ) as link_density,
        cast(coalesce(link_stats.device_links, 0) / nullif(link_stats.links, 0) as double) as device_link_share,
        member_stats.enforced_accounts,
        member_stats.cib_enforced_accounts,
        cast(
            member_stats.enforced_accounts / nullif(member_stats.member_accounts, 0) as double
        ) as enforced_account_share
    from member_stats
    left join link_stats
        on member_stats.component_id = link_stats.component_id

),

final as (

    select
        component_id,
        member_accounts,
        links,
        device_links,
        ip_links,
        link_density,
        device_link_share,
        enforced_accounts,
        cib_enforced_accounts,
        enforced_account_share,
        cast(
            0.5 * least(1.0, (member_accounts - 1) / {{ (min_ring_size - 1) if min_ring_size > 1 else 1 }}.0)
            + 0.3 * coalesce(device_link_share, 0.0)
            + 0.2 * coalesce(enforced_account_share, 0.0)
            as double
        ) as ring_score,
        member_accounts >= {{ min_ring_size }} as is_suspected_ring
    from scored

)

select * from final
