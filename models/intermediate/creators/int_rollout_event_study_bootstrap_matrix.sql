-- The reduced form of the event study's wild cluster bootstrap pre-trend
-- test: per outcome x country pair x pre-launch week, the matrix Q and the
-- coefficient responses U that turn a sign vector into the bootstrap
-- Wald statistic (macro event_study_wild_bootstrap_matrix, formulas there),
-- from the same cohort regressions as fct_rewards_event_study plus the
-- restricted ones without pre-launch dummies. A table of its own so that
-- the enumeration of the 2^G sign vectors reads a few hundred rows.
{{ config(materialized='table', enabled=target.type != 'spark') }}
{%- set event_weeks = rollout_event_weeks() %}
{%- set pre_weeks = event_weeks | select('lessthan', -1) | list %}
{%- set post_weeks = event_weeks | reject('lessthan', -1) | list %}
with

study_panel as (

    {{ rollout_event_study_regression_panel(ref('int_rollout_event_study_panel')) }}

),

{{ interaction_weighted_event_study('study_panel', 'study', event_weeks) }},

{{ stacked_event_study_estimate('study_cohort_panel', 'restricted', post_weeks) }},

{{ event_study_wild_bootstrap_matrix(
    'study', 'restricted', 'wbm', pre_weeks | length, var('wild_bootstrap_max_clusters', 12)
) }},

final as (

    select
        estimate_group as outcome_name,
        row_bit,
        column_bit,
        test_index,
        clusters,
        has_data,
        cell_value,
        column_coefficient_response
    from wbm_cluster_matrix

)

select * from final
