-- One row per enforcement action on an account, placed on the account's
-- strike ladder: its rank among the account's actions, the previous rung and
-- whether it escalated (warn < suspend < ban).
with

actions as (

    select * from {{ ref('stg_trust_safety__account_actions') }}

),

ranked as (

    select
        action_id,
        user_id,
        acted_at,
        account_action,
        action_reason,
        case account_action when 'warn' then 1 when 'suspend' then 2 when 'ban' then 3 end as action_severity_rank,
        row_number() over (
            partition by user_id
            order by acted_at asc nulls last, action_id asc nulls last
        ) as strike_number
    from actions

),

with_previous as (

    select
        *,
        lag(account_action) over (
            partition by user_id
            order by strike_number asc nulls last
        ) as previous_account_action,
        lag(action_severity_rank) over (
            partition by user_id
            order by strike_number asc nulls last
        ) as previous_severity_rank,
        lag(acted_at) over (
            partition by user_id
            order by strike_number asc nulls last
        ) as previous_acted_at
    from ranked

),

final as (

    select
        action_id,
        user_id,
        acted_at,
        cast(acted_at as date) as acted_date,
        account_action,
        action_reason,
        cast(strike_number as {{ dbt.type_bigint() }}) as strike_number,
        previous_account_action,
        cast({{ seconds_between('previous_acted_at', 'acted_at') }} / 3600.0 as double) as hours_since_previous_action,
        coalesce(action_severity_rank > previous_severity_rank, false) as is_escalation,
        coalesce(previous_account_action, 'none') || '>' || account_action as ladder_step
    from with_previous

)

select * from final
