-- Few-cluster inference for the creator rewards launch effect: the stacked
-- DiD of fct_rewards_rollout_did (att rows; int_rollout_did_panel) with only
-- 12 countries as clusters, where cluster-robust normal tests over-reject.
-- One row per outcome x scope (all stacks pooled, or one cohort's stack):
-- the estimate and its cluster-robust standard error, the normal p-value,
-- the t(G-1) reference interval, and the restricted wild cluster bootstrap
-- (WCR, Rademacher signs, every one of the 2^G sign vectors; macro
-- wild_cluster_bootstrap) p-value of H0: no effect.
with

panel as (

    select * from {{ ref('int_rollout_did_panel') }}

),

-- read by the estimator's first steps and the bootstrap: computed once on DuckDB
did_panel as {{ materialized() }} (

    select
        outcome_name as estimate_group,
        cohort_launched_on as stack_id,
        creator_id as unit_id,
        activity_date as period,
        country as cluster_id,
        outcome_value as y,
        treatment as d
    from panel

),

{{ stacked_did_estimate('did_panel', 'did') }},

{{ wild_cluster_bootstrap('did', 'wcr', var('wild_bootstrap_max_clusters', 12)) }},

final as (

    select
        did_estimated.estimate_group as outcome_name,
        did_estimated.estimate_scope,
        did_estimated.estimate,
        did_estimated.std_error,
        did_estimated.clusters,
        did_estimated.observations,
        did_estimated.treated_observations,
        {{ two_sided_p_value('did_estimated.estimate / nullif(did_estimated.std_error, 0)') }}
            as cluster_robust_p_value,
        {{ student_t_critical_975('did_estimated.clusters - 1') }} as t_critical,
        did_estimated.estimate
        - {{ student_t_critical_975('did_estimated.clusters - 1') }} * did_estimated.std_error as t_ci_lower,
        did_estimated.estimate
        + {{ student_t_critical_975('did_estimated.clusters - 1') }} * did_estimated.std_error as t_ci_upper,
        wcr_p_values.sign_vectors as wild_bootstrap_sign_vectors,
        wcr_p_values.p_value as wild_bootstrap_p_value
    from did_estimated
    left join wcr_p_values
        on
            did_estimated.estimate_group = wcr_p_values.estimate_group
            and did_estimated.estimate_scope = wcr_p_values.estimate_scope

)

select * from final
