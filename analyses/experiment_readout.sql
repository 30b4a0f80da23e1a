-- Analyst walkthrough of one experiment's readout (compile with
-- `dbt compile --select experiment_readout --vars '{readout_experiment_id: exp_006}'` and run the
-- SQL in target/.../analyses/experiment_readout.sql). Read it top-down:
--   1. the decision of each row's treatment variant (fct_experiment_decisions) and the health
--      behind it: a sample ratio mismatch or many multi-variant units invalidate the effects;
--   2. the primary metric, then guardrails (with their non-inferiority test), then secondary
--      metrics, at segment all;
--   3. CUPED rows (same effect, tighter interval when the covariate predicts the metric);
--   4. segments last: exploratory, their own BH family, never a launch decision on their own.
{%- set experiment_id = var('readout_experiment_id', 'exp_001') %}
with

health as (

    select * from {{ ref('fct_experiment_health') }}
    where experiment_id = {{ sql_string_literal(experiment_id) }}

),

results as (

    select * from {{ ref('fct_experiment_results') }}
    where experiment_id = {{ sql_string_literal(experiment_id) }}

),

decisions as (

    select * from {{ ref('fct_experiment_decisions') }}
    where experiment_id = {{ sql_string_literal(experiment_id) }}

),

health_summary as (

    select
        experiment_id,
        max(srm_p_value) as srm_p_value,
        max(case when has_srm then 1 else 0 end) as has_srm,
        sum(exposed_units) as exposed_units,
        sum(units_in_multiple_variants) as units_in_multiple_variants
    from health
    group by experiment_id

),

final as (

    select
        decisions.decision,
        decisions.decision_reasons,
        results.metric_role,
        results.metric_name,
        results.treatment_variant,
        results.variance_reduction,
        results.segment_name,
        results.segment_value,
        results.control_units,
        results.treatment_units,
        results.control_mean,
        results.treatment_mean,
        results.relative_effect,
        results.relative_ci_lower,
        results.relative_ci_upper,
        results.p_value,
        results.p_value_adjusted,
        results.is_significant,
        results.non_inferiority_margin,
        results.p_value_non_inferiority,
        results.is_sample_sufficient,
        health_summary.has_srm,
        health_summary.srm_p_value,
        health_summary.units_in_multiple_variants
    from results
    cross join health_summary
    left join decisions
        on results.treatment_variant = decisions.treatment_variant
            and results.variance_reduction = decisions.variance_reduction
    order by
        case when results.segment_name = 'all' then 0 else 1 end asc nulls last,
        case results.metric_role when 'primary' then 0 when 'guardrail' then 1 else 2 end asc nulls last,
        results.metric_name asc nulls last,
        results.treatment_variant asc nulls last,
        results.variance_reduction desc nulls last,
        results.segment_name asc nulls last,
        results.segment_value asc nulls last

)

select * from final
