-- The wild cluster bootstrap's reduced form of the rewards launch DiD: per
-- outcome x scope, the G x G cluster matrix C and each cluster's S_g and
-- D_g (macro wild_cluster_bootstrap_matrix, formulas there), from the same
-- stacked panel and estimator as fct_rewards_rollout_did. A table of its
-- own so that the enumeration of the sign vectors
-- (fct_rewards_rollout_wild_bootstrap) reads a few hundred rows instead of
-- re-planning the demeaning: Spark inlines every CTE reference.
{{ config(materialized='table') }}

with

panel as (

    select * from {{ ref('int_rollout_did_panel') }}

),

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

{{ wild_cluster_bootstrap_matrix('did', 'wcm', var('wild_bootstrap_max_clusters', 12)) }},

final as (

    select
        estimate_group as outcome_name,
        estimate_scope,
        row_bit,
        column_bit,
        clusters,
        split_bit,
        row_cross_y,
        row_cross_d,
        cell_value
    from wcm_cluster_matrix

)

select * from final
