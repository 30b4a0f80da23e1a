-- Invariant: each row of fct_experiment_decisions summarises the fct_experiment_results rows
-- (segment all) of its experiment x treatment variant: the none decision reads the unadjusted
-- rows, the cuped decision each metric's cuped row and the unadjusted row of a metric without
-- one. Its counts equal those rows' (primary metrics, primary metrics without a test,
-- guardrails, primary metrics improved and harmed, significance in the preferred direction by
-- p_value_adjusted, or in var experiment_decision_mode sequential by p_value_sequential times
-- the primary tests of the experiment, Bonferroni's family); decision_basis is the mode;
-- every experiment x treatment variant has a none decision and a cuped
-- one exactly when each primary metric has a cuped row; no decision lacks results; has_srm
-- and srm_p_value are the experiment's in fct_experiment_health. Why: the decision is what a
-- team acts on, and its reasons must describe the very rows a reader finds in the results.
-- Returns the decisions that disagree, with both counts.
{%- set alpha = var('experiment_alpha', 0.05) %}
{%- set mode = experiment_decision_mode() %}
with

decisions as (

    select * from {{ ref('fct_experiment_decisions') }}

),

results as (

    select
        *,
        {%- if mode == 'sequential' %}
            p_value_sequential * count(p_value_sequential) over (
                partition by experiment_id, variance_reduction, metric_role
            ) as decision_p_value
        {%- else %}
            p_value_adjusted as decision_p_value
        {%- endif %}
    from {{ ref('fct_experiment_results') }}
    where segment_name = 'all'

),

health as (

    select * from {{ ref('fct_experiment_health') }}

),

cuped_rows as (

    select
        experiment_id,
        treatment_variant,
        metric_name
    from results
    where variance_reduction = 'cuped'

),

decision_rows as (

    select
        results.*,
        'none' as decision_variance_reduction
    from results
    where results.variance_reduction = 'none'
    union all
    select
        results.*,
        'cuped' as decision_variance_reduction
    from results
    left join cuped_rows
        on
            results.experiment_id = cuped_rows.experiment_id
            and results.treatment_variant = cuped_rows.treatment_variant
            and results.metric_name = cuped_rows.metric_name
    where
        results.variance_reduction = 'cuped'
        or (results.variance_reduction = 'none' and cuped_rows.metric_name is null)

),

counted as (

    select
        experiment_id,
        treatment_variant,
        decision_variance_reduction as variance_reduction,
        sum(case when metric_role = 'primary' then 1 else 0 end) as primary_metrics,
        sum(case when metric_role = 'primary' and variance_reduction = 'cuped' then 1 else 0 end)
            as primary_metrics_adjusted,
        sum(case when metric_role = 'primary' and not is_sample_sufficient then 1 else 0 end)
            as primary_metrics_without_test,
        sum(case when metric_role = 'guardrail' then 1 else 0 end) as guardrails,
        sum(
            case
                when metric_role = 'primary' and decision_p_value < {{ alpha }}
                    and case when preferred_direction = 'decrease' then -1 else 1 end * absolute_effect > 0
                    then 1
                else 0
            end
        ) as primary_metrics_improved,
        sum(
            case
                when metric_role = 'primary' and decision_p_value < {{ alpha }}
                    and case when preferred_direction = 'decrease' then -1 else 1 end * absolute_effect < 0
                    then 1
                else 0
            end
        ) as primary_metrics_harmed
    from decision_rows
    group by experiment_id, treatment_variant, decision_variance_reduction

),

-- a cuped decision exists only where every primary metric has a cuped row
expected_decisions as (

    select *
    from counted
    where variance_reduction = 'none' or primary_metrics_adjusted = primary_metrics

),

experiment_health as (

    select
        experiment_id,
        max(case when has_srm then 1 else 0 end) = 1 as has_srm,
        min(srm_p_value) as srm_p_value
    from health
    group by experiment_id

),

compared as (

    select
        coalesce(decisions.experiment_id, expected_decisions.experiment_id) as experiment_id,
        coalesce(decisions.treatment_variant, expected_decisions.treatment_variant) as treatment_variant,
        coalesce(decisions.variance_reduction, expected_decisions.variance_reduction) as variance_reduction,
        decisions.experiment_id is not null as has_decision,
        expected_decisions.experiment_id is not null as has_results,
        decisions.primary_metrics,
        expected_decisions.primary_metrics as results_primary_metrics,
        decisions.primary_metrics_without_test,
        expected_decisions.primary_metrics_without_test as results_primary_metrics_without_test,
        decisions.guardrails,
        expected_decisions.guardrails as results_guardrails,
        decisions.primary_metrics_improved,
        expected_decisions.primary_metrics_improved as results_primary_metrics_improved,
        decisions.primary_metrics_harmed,
        expected_decisions.primary_metrics_harmed as results_primary_metrics_harmed,
        decisions.decision_basis,
        decisions.has_srm,
        coalesce(experiment_health.has_srm, false) as health_has_srm,
        decisions.srm_p_value,
        experiment_health.srm_p_value as health_srm_p_value
    from decisions
    full outer join expected_decisions
        on
            decisions.experiment_id = expected_decisions.experiment_id
            and decisions.treatment_variant = expected_decisions.treatment_variant
            and decisions.variance_reduction = expected_decisions.variance_reduction
    left join experiment_health
        on decisions.experiment_id = experiment_health.experiment_id

),

final as (

    select *
    from compared
    where
        not has_decision
        or not has_results
        or primary_metrics <> results_primary_metrics
        or primary_metrics_without_test <> results_primary_metrics_without_test
        or guardrails <> results_guardrails
        or primary_metrics_improved <> results_primary_metrics_improved
        or primary_metrics_harmed <> results_primary_metrics_harmed
        or decision_basis <> '{{ mode }}'
        or has_srm <> health_has_srm
        or coalesce(srm_p_value <> health_srm_p_value, (srm_p_value is null) <> (health_srm_p_value is null))

)

select * from final
