-- One row per slice of moderation (all decisions, one detection strategy, one
-- reviewer type): quality measured on the expert QA audits, each audit
-- weighted by its sampling_weight (1 / inclusion probability of its stratum),
-- so sums of weights estimate population counts (Horvitz-Thompson).
--   precision_of_removals = weighted violating removals / weighted removals
--   recall                = weighted violating content the slice actioned
--                           (remove or restrict) / weighted violating content
--                           (for a strategy: of the strategy's target policy)
--   false_positive_rate   = weighted non-violating content the slice actioned
--                           / weighted non-violating content (creators hit
--                           wrongly)
-- Intervals: 95% Wilson on Kish's effective size of each denominator.
with

audits as (

    select * from {{ ref('int_qa_audits_enriched') }}

),

strategies as (

    select * from {{ ref('stg_trust_safety__risk_strategies') }}

),

slices as (

    select
        'all' as dimension_name,
        'all' as dimension_value,
        cast(null as {{ dbt.type_string() }}) as target_policy_id
    union all
    select
        'strategy' as dimension_name,
        strategy_id as dimension_value,
        target_policy_id
    from strategies
    union all
    select
        'reviewer_type' as dimension_name,
        'automated' as dimension_value,
        cast(null as {{ dbt.type_string() }}) as target_policy_id
    union all
    select
        'reviewer_type' as dimension_name,
        'human' as dimension_value,
        cast(null as {{ dbt.type_string() }}) as target_policy_id

),

valid_audits as (

    select * from audits
    where sampling_weight > 0 and is_violating is not null

),

flagged as (

    select
        slices.dimension_name,
        slices.dimension_value,
        valid_audits.sampling_weight,
        valid_audits.is_violating,
        valid_audits.is_violating
        and (slices.target_policy_id is null or valid_audits.expert_policy_id = slices.target_policy_id)
            as is_violation_in_scope,
        case
            when slices.dimension_name = 'all' then valid_audits.decision_id is not null
            when
                slices.dimension_name = 'strategy'
                then coalesce(valid_audits.strategy_id = slices.dimension_value, false)
            else coalesce(valid_audits.reviewer_type = slices.dimension_value, false)
        end as is_in_slice,
        valid_audits.is_removed,
        valid_audits.is_actioned
    from slices
    cross join valid_audits

),

aggregated as (

    select
        dimension_name,
        dimension_value,
        cast(sum(case when is_in_slice and is_removed then 1 else 0 end) as {{ dbt.type_bigint() }})
            as audited_removals,
        cast(sum(case when is_in_slice and is_removed then sampling_weight else 0.0 end) as double)
            as removal_weight,
        cast(sum(case when is_in_slice and is_removed then sampling_weight * sampling_weight else 0.0 end) as double)
            as removal_weight_squared,
        cast(sum(case when is_in_slice and is_removed and is_violating then sampling_weight else 0.0 end) as double)
            as violating_removal_weight,
        cast(sum(case when is_violation_in_scope then 1 else 0 end) as {{ dbt.type_bigint() }})
            as audited_violations,
        cast(sum(case when is_violation_in_scope then sampling_weight else 0.0 end) as double)
            as violation_weight,
        cast(sum(case when is_violation_in_scope then sampling_weight * sampling_weight else 0.0 end) as double)
            as violation_weight_squared,
        cast(
            sum(
                case when is_violation_in_scope and is_in_slice and is_actioned then sampling_weight else 0.0 end
            ) as double
        )
            as actioned_violation_weight,
        cast(sum(case when not is_violating then 1 else 0 end) as {{ dbt.type_bigint() }})
            as audited_non_violations,
        cast(sum(case when not is_violating then sampling_weight else 0.0 end) as double)
            as non_violation_weight,
        cast(sum(case when not is_violating then sampling_weight * sampling_weight else 0.0 end) as double)
            as non_violation_weight_squared,
        cast(
            sum(case when not is_violating and is_in_slice and is_actioned then sampling_weight else 0.0 end) as double
        )
            as actioned_non_violation_weight
    from flagged
    group by dimension_name, dimension_value

),

estimated as (

    select
        *,
        violating_removal_weight / nullif(removal_weight, 0) as precision_raw,
        {{ risk_kish_effective_n('removal_weight', 'removal_weight_squared') }} as precision_n,
        actioned_violation_weight / nullif(violation_weight, 0) as recall_raw,
        {{ risk_kish_effective_n('violation_weight', 'violation_weight_squared') }} as recall_n,
        actioned_non_violation_weight / nullif(non_violation_weight, 0) as fpr_raw,
        {{ risk_kish_effective_n('non_violation_weight', 'non_violation_weight_squared') }} as fpr_n
    from aggregated

),

final as (

    select
        dimension_name,
        dimension_value,
        audited_removals,
        removal_weight,
        violating_removal_weight,
        cast(precision_raw as double) as precision_of_removals,
        cast({{ risk_wilson_bound('precision_raw', 'precision_n', 'lower') }} as double) as precision_ci_lower,
        cast({{ risk_wilson_bound('precision_raw', 'precision_n', 'upper') }} as double) as precision_ci_upper,
        cast(precision_n as double) as precision_effective_n,
        audited_violations,
        violation_weight,
        actioned_violation_weight,
        cast(recall_raw as double) as recall,
        cast({{ risk_wilson_bound('recall_raw', 'recall_n', 'lower') }} as double) as recall_ci_lower,
        cast({{ risk_wilson_bound('recall_raw', 'recall_n', 'upper') }} as double) as recall_ci_upper,
        cast(recall_n as double) as recall_effective_n,
        audited_non_violations,
        non_violation_weight,
        actioned_non_violation_weight,
        cast(fpr_raw as double) as false_positive_rate,
        cast({{ risk_wilson_bound('fpr_raw', 'fpr_n', 'lower') }} as double) as false_positive_rate_ci_lower,
        cast({{ risk_wilson_bound('fpr_raw', 'fpr_n', 'upper') }} as double) as false_positive_rate_ci_upper,
        cast(fpr_n as double) as false_positive_rate_effective_n
    from estimated

)

select * from final
