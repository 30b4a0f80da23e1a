-- Invariant: on every row of fct_experiment_results, p_value_adjusted is null exactly when
-- p_value is (no test, no adjustment), lies in [0, 1], equals p_value for a guardrail (its
-- non-inferiority test decides, unadjusted), and is_significant = p_value_adjusted <
-- var experiment_alpha (false without a test). Why: the decisions read is_significant and
-- p_value_adjusted; a guardrail adjusted like a primary metric, or a flag out of step with
-- its p-value, changes what ships. The Bonferroni and Benjamini-Hochberg values themselves are
-- compared with statsmodels in python_checks/test_experiment_results.py. One pass over the
-- mart; returns the rows that break it.
{%- set alpha = var('experiment_alpha', 0.05) %}
with

results as (

    select * from {{ ref('fct_experiment_results') }}

),

final as (

    select
        experiment_id,
        treatment_variant,
        metric_name,
        metric_role,
        variance_reduction,
        segment_name,
        segment_value,
        p_value,
        p_value_adjusted,
        is_significant
    from results
    where
        (p_value is null) <> (p_value_adjusted is null)
        or p_value_adjusted < 0
        or p_value_adjusted > 1
        or (metric_role = 'guardrail' and p_value_adjusted <> p_value)
        or is_significant is null
        or is_significant <> coalesce(p_value_adjusted < {{ alpha }}, false)

)

select * from final
