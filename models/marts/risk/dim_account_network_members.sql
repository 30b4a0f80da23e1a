-- One row per account that shares a device or IP with another account (the
-- nodes of the account graph): its component and the component's ring
-- verdict, plus whether the account itself was enforced.
with

members as (

    select * from {{ ref('int_account_components_labeled') }}

),

networks as (

    select * from {{ ref('fct_account_networks') }}

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

final as (

    select
        members.user_id,
        members.component_id,
        networks.member_accounts as component_accounts,
        networks.ring_score,
        networks.is_suspected_ring,
        enforced_accounts.user_id is not null as is_enforced,
        coalesce(enforced_accounts.has_cib_action = 1, false) as has_cib_action
    from members
    inner join networks
        on members.component_id = networks.component_id
    left join enforced_accounts
        on members.user_id = enforced_accounts.user_id

)

select * from final
