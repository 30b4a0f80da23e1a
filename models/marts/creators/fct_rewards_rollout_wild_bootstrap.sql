-- Few-cluster inference for the creator rewards launch effect: the stacked
-- DiD ATT of fct_rewards_rollout_did (att rows) with only 12 countries as
-- clusters, where cluster-robust normal tests over-reject. One row per
-- outcome x scope (all stacks pooled, or one cohort's stack): the estimate
-- and its cluster-robust standard error, the normal p-value, the t(G-1)
-- reference interval, and the restricted wild cluster bootstrap (WCR,
-- Rademacher signs, every one of the 2^G sign vectors; macro
-- wild_cluster_bootstrap_p_values over int_rollout_did_bootstrap_matrix)
-- p-value of H0: no effect.
with

did_estimates as (

    select * from {{ ref('fct_rewards_rollout_did') }}
    where estimate_kind = 'att'

),

matrix as (

    select
        outcome_name as estimate_group,
        estimate_scope,
        row_bit,
        column_bit,
        clusters,
        split_bit,
        row_cross_y,
        row_cross_d,
        cell_value
    from {{ ref('int_rollout_did_bootstrap_matrix') }}

),

{{ wild_cluster_bootstrap_p_values('matrix', 'wcr', var('wild_bootstrap_max_clusters', 12)) }},

final as (

    select
        did_estimates.outcome_name,
        did_estimates.estimate_scope,
        did_estimates.estimate,
        did_estimates.std_error,
        did_estimates.clusters,
        did_estimates.observations,
        did_estimates.treated_observations,
        {{ two_sided_p_value('did_estimates.estimate / nullif(did_estimates.std_error, 0)') }}
            as cluster_robust_p_value,
        {{ student_t_critical_975('did_estimates.clusters - 1') }} as t_critical,
        did_estimates.estimate
        - {{ student_t_critical_975('did_estimates.clusters - 1') }} * did_estimates.std_error as t_ci_lower,
        did_estimates.estimate
        + {{ student_t_critical_975('did_estimates.clusters - 1') }} * did_estimates.std_error as t_ci_upper,
        wcr_p_values.sign_vectors as wild_bootstrap_sign_vectors,
        wcr_p_values.p_value as wild_bootstrap_p_value
    from did_estimates
    left join wcr_p_values
        on
            did_estimates.outcome_name = wcr_p_values.estimate_group
            and did_estimates.estimate_scope = wcr_p_values.estimate_scope

)

select * from final
