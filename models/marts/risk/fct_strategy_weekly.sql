-- One row per risk strategy x week (Monday start, UTC) in which it made a
-- decision: the evidence to compare, keep or retire strategies.
--   volume: decisions, actions (remove or restrict), removals
--   precision: QA-audited actions that were violating (weighted, Wilson 95%)
--   unique catches: actioned videos no other path (another strategy or a
--     user-report review) actioned; estimated_unique_violations weights the
--     audited ones by sampling_weight (the recall contribution)
--   views prevented: sum of fct_video_removals.estimated_views_prevented
--   creator harm: this week's removals later overturned on appeal
--   cost proxy: decisions made by human reviewers
with

decisions as (

    select * from {{ ref('int_moderation_decisions_enriched') }}

),

strategies as (

    select * from {{ ref('stg_trust_safety__risk_strategies') }}

),

audits as (

    select * from {{ ref('int_qa_audits_enriched') }}

),

removals as (

    select * from {{ ref('fct_video_removals') }}

),

appeals as (

    select * from {{ ref('int_appeals_enriched') }}

),

catchers as (

    select
        video_id,
        cast(count(distinct coalesce(strategy_id, 'user_report_review')) as {{ dbt.type_bigint() }})
            as catching_paths
    from decisions
    where is_action
    group by video_id

),

overturns as (

    select
        decision_id,
        sum(case when is_overturned then 1 else 0 end) as overturned_appeals
    from appeals
    group by decision_id

),

strategy_decisions as (

    select
        decisions.decision_id,
        decisions.video_id,
        decisions.strategy_id,
        cast({{ dbt.date_trunc('week', 'decisions.decided_at') }} as date) as week_start,
        decisions.decision,
        decisions.is_action,
        decisions.reviewer_type,
        coalesce(decisions.is_action and catchers.catching_paths = 1, false) as is_unique_catch,
        audits.audit_id,
        audits.is_violating,
        audits.sampling_weight,
        removals.estimated_views_prevented,
        overturns.overturned_appeals
    from decisions
    left join catchers
        on decisions.video_id = catchers.video_id
    left join audits
        on
            decisions.decision_id = audits.decision_id
            and audits.sampling_weight > 0
            and audits.is_violating is not null
    left join removals
        on decisions.decision_id = removals.decision_id
    left join overturns
        on decisions.decision_id = overturns.decision_id
    where decisions.strategy_id is not null

),

aggregated as (

    select
        strategy_id,
        week_start,
        cast(count(*) as {{ dbt.type_bigint() }}) as decisions,
        cast(sum(case when is_action then 1 else 0 end) as {{ dbt.type_bigint() }}) as actions,
        cast(sum(case when decision = 'remove' then 1 else 0 end) as {{ dbt.type_bigint() }}) as removals,
        cast(sum(case when is_unique_catch then 1 else 0 end) as {{ dbt.type_bigint() }}) as unique_catches,
        cast(sum(case when is_action and audit_id is not null then 1 else 0 end) as {{ dbt.type_bigint() }})
            as audited_actions,
        cast(sum(case when is_action and audit_id is not null then sampling_weight else 0.0 end) as double)
            as audited_action_weight,
        cast(
            sum(
                case when is_action and audit_id is not null then sampling_weight * sampling_weight else 0.0 end
            ) as double
        )
            as audited_action_weight_squared,
        cast(
            sum(
                case when is_action and audit_id is not null and is_violating then sampling_weight else 0.0 end
            ) as double
        )
            as violating_action_weight,
        cast(
            sum(
                case when is_unique_catch and audit_id is not null and is_violating then sampling_weight else 0.0 end
            ) as double
        )
            as estimated_unique_violations,
        cast(sum(coalesce(estimated_views_prevented, 0.0)) as double) as estimated_views_prevented,
        cast(sum(
            case when decision = 'remove' and overturned_appeals > 0 then 1 else 0 end
        ) as {{ dbt.type_bigint() }}) as overturned_removals,
        cast(sum(case when reviewer_type = 'human' then 1 else 0 end) as {{ dbt.type_bigint() }}) as human_reviews
    from strategy_decisions
    group by strategy_id, week_start

),

estimated as (

    select
        *,
        violating_action_weight / nullif(audited_action_weight, 0) as precision_raw,
        {{ risk_kish_effective_n('audited_action_weight', 'audited_action_weight_squared') }} as precision_n
    from aggregated

),

final as (

    select
        estimated.strategy_id,
        estimated.week_start,
        strategies.strategy_name,
        strategies.strategy_kind,
        strategies.target_policy_id,
        coalesce(
            strategies.retired_at is null
            or strategies.retired_at > {{ dbt.dateadd('day', 7, 'estimated.week_start') }},
            true
        ) as is_live_all_week,
        estimated.decisions,
        estimated.actions,
        estimated.removals,
        estimated.unique_catches,
        estimated.audited_actions,
        estimated.audited_action_weight,
        estimated.violating_action_weight,
        cast(estimated.precision_raw as double) as action_precision,
        cast({{ risk_wilson_bound('estimated.precision_raw', 'estimated.precision_n', 'lower') }} as double)
            as precision_ci_lower,
        cast({{ risk_wilson_bound('estimated.precision_raw', 'estimated.precision_n', 'upper') }} as double)
            as precision_ci_upper,
        estimated.estimated_unique_violations,
        estimated.estimated_views_prevented,
        estimated.overturned_removals,
        cast(estimated.overturned_removals / nullif(estimated.removals, 0) as double) as overturned_removal_rate,
        estimated.human_reviews
    from estimated
    left join strategies
        on estimated.strategy_id = strategies.strategy_id

)

select * from final
