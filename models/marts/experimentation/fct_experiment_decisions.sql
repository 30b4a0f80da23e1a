-- One row per experiment x treatment variant x variance reduction: the decision a team acts on
-- (contracts/public_marts.md section 5), by the risk-aware rule of Schultzberg, Ankargren and
-- Franberg (Spotify, 2024) as docs/experimentation.md states it:
--   invalid       the experiment fails a validity check (SRM, pre-period imbalance, too many
--                 first exposures outside its window): no effect can be trusted;
--   do_not_ship   a primary metric or a guardrail is significantly harmed, or a primary metric
--                 improved but a guardrail was not shown non-inferior;
--   ship          a primary metric improved (Bonferroni over primary metrics x treatment
--                 variants), none was harmed, every guardrail is non-inferior;
--   inconclusive  otherwise (no primary improved, or too few units for a test).
-- Secondary metrics never enter it. The cuped decision reads each metric's cuped row where the
-- metric has a covariate and its unadjusted row otherwise; it exists when every primary metric
-- has a cuped row.
-- var experiment_decision_mode picks the tests read (decision_basis): fixed_horizon reads
-- p_value_adjusted and p_value_non_inferiority; sequential reads the always-valid tests of
-- macros/statistics/confidence_sequence.sql, valid however often the experiment is looked at:
-- p_value_sequential (Bonferroni over the same primary family) and a non-inferiority test on the
-- same confidence sequence (the guardrail passes when the sequence stays above -margin).
{%- set alpha = var('experiment_alpha', 0.05) %}
{%- set mode = experiment_decision_mode() %}
{%- set p_label = 'always-valid p ' if mode == 'sequential' else 'p ' %}
with

results as (

    select * from {{ ref('fct_experiment_results') }}
    where segment_name = 'all'

),

health as (

    select * from {{ ref('fct_experiment_health') }}

),

cuped_metrics as (

    select distinct
        experiment_id,
        metric_name,
        treatment_variant
    from results
    where variance_reduction = 'cuped'

),

-- each metric's row for a decision: its own row in the decision's variance reduction, or the
-- unadjusted one when it has no cuped row
decision_rows as (

    select
        results.*,
        results.variance_reduction as decision_variance_reduction
    from results
    union all
    select
        unadjusted.*,
        'cuped' as decision_variance_reduction
    from results as unadjusted
    left join cuped_metrics
        on unadjusted.experiment_id = cuped_metrics.experiment_id
            and unadjusted.metric_name = cuped_metrics.metric_name
            and unadjusted.treatment_variant = cuped_metrics.treatment_variant
    where unadjusted.variance_reduction = 'none' and cuped_metrics.metric_name is null

),

-- Bonferroni's family: the experiment's tested primary metrics x treatment variants
primary_families as (

    select
        experiment_id,
        variance_reduction,
        count(p_value) as primary_tests
    from results
    where metric_role = 'primary'
    group by experiment_id, variance_reduction

),

classified as (

    select
        decision_rows.*,
        case when decision_rows.preferred_direction = 'decrease' then -1.0e0 else 1.0e0 end
        * decision_rows.absolute_effect as effect_in_preferred_direction,
        decision_rows.metric_role || ': ' || decision_rows.metric_name as metric_label,
        {{ percent_text('decision_rows.relative_effect') }} as relative_effect_text
    from decision_rows

),

-- the p-values the decision reads, by var experiment_decision_mode
decision_tests as (

    select
        classified.*,
        {%- if mode == 'sequential' %}
            case
                when classified.metric_role = 'primary'
                    then least(1.0e0, classified.p_value_sequential * primary_families.primary_tests)
                when classified.metric_role = 'guardrail' then classified.p_value_sequential
            end as decision_p_value,
            -- the one-sided question on the two-sided sequence: does it stay above -margin?
            case
                when classified.non_inferiority_margin is null or classified.z_statistic is null then null
                when classified.effect_in_preferred_direction
                    + classified.non_inferiority_margin * abs(classified.control_mean_unadjusted) <= 0
                    then 1.0e0
                else {{ always_valid_p_value(
                    '(classified.effect_in_preferred_direction + classified.non_inferiority_margin'
                    ~ ' * abs(classified.control_mean_unadjusted)) / classified.standard_error',
                    'classified.control_units + classified.treatment_units') }}
            end as decision_p_value_non_inferiority
        {%- else %}
            classified.p_value_adjusted as decision_p_value,
            classified.p_value_non_inferiority as decision_p_value_non_inferiority
        {%- endif %}
    from classified
    {%- if mode == 'sequential' %}
        left join primary_families
            on classified.experiment_id = primary_families.experiment_id
                and classified.decision_variance_reduction = primary_families.variance_reduction
    {%- endif %}

),

metric_outcomes as (

    select
        decision_tests.*,
        coalesce(
            decision_tests.metric_role = 'primary' and decision_tests.decision_p_value < {{ alpha }}
            and decision_tests.effect_in_preferred_direction > 0,
            false
        ) as is_improved,
        coalesce(
            decision_tests.metric_role in ('primary', 'guardrail') and decision_tests.decision_p_value < {{ alpha }}
            and decision_tests.effect_in_preferred_direction < 0,
            false
        ) as is_harmed,
        coalesce(
            decision_tests.metric_role = 'guardrail' and decision_tests.non_inferiority_margin is not null
            and not coalesce(decision_tests.decision_p_value_non_inferiority < {{ alpha }}, false),
            false
        ) as is_guardrail_not_non_inferior
    from decision_tests

),

metric_reasons as (

    select
        metric_outcomes.*,
        case
            when metric_outcomes.metric_role = 'secondary' then null
            when not metric_outcomes.is_sample_sufficient
                then metric_outcomes.metric_label || ' has too few units for a test (control '
                    || cast(metric_outcomes.control_units as {{ dbt.type_string() }}) || ', treatment '
                    || cast(metric_outcomes.treatment_units as {{ dbt.type_string() }}) || ', minimum '
                    || '{{ var("experiment_min_units_per_arm", 100) }}' || ')'
            when metric_outcomes.is_improved
                then metric_outcomes.metric_label || ' improved ' || metric_outcomes.relative_effect_text
                    || ' (adjusted {{ p_label }}' || {{ p_value_text('metric_outcomes.decision_p_value') }} || ')'
            when metric_outcomes.is_harmed
                then metric_outcomes.metric_label || ' harmed ' || metric_outcomes.relative_effect_text
                    || ' ({{ p_label }}' || {{ p_value_text('metric_outcomes.decision_p_value') }} || ')'
            when metric_outcomes.is_guardrail_not_non_inferior
                then metric_outcomes.metric_label || ' not shown non-inferior at margin '
                    || {{ percent_text('metric_outcomes.non_inferiority_margin', signed=false) }}
                    || ' (' || metric_outcomes.relative_effect_text || ', non-inferiority {{ p_label }}'
                    || {{ p_value_text('metric_outcomes.decision_p_value_non_inferiority') }} || ')'
            when metric_outcomes.metric_role = 'guardrail'
                then metric_outcomes.metric_label || ' non-inferior'
                    || coalesce(
                        ' at margin ' || {{ percent_text('metric_outcomes.non_inferiority_margin', signed=false) }}
                        || ' (non-inferiority {{ p_label }}'
                        || {{ p_value_text('metric_outcomes.decision_p_value_non_inferiority') }}
                        || ')',
                        ' (no margin set; not significantly harmed)'
                    )
            else metric_outcomes.metric_label || ' not significant ' || metric_outcomes.relative_effect_text
                || ' (adjusted {{ p_label }}' || {{ p_value_text('metric_outcomes.decision_p_value') }} || ')'
        end as reason
    from metric_outcomes

),

per_decision as (

    select
        experiment_id,
        treatment_variant,
        decision_variance_reduction as variance_reduction,
        sum(case when metric_role = 'primary' then 1 else 0 end) as primary_metrics,
        sum(case when metric_role = 'primary' and not is_sample_sufficient then 1 else 0 end)
            as primary_metrics_without_test,
        sum(case when variance_reduction = 'cuped' and metric_role = 'primary' then 1 else 0 end)
            as primary_metrics_adjusted,
        sum(case when is_improved then 1 else 0 end) as primary_metrics_improved,
        sum(case when is_harmed and metric_role = 'primary' then 1 else 0 end) as primary_metrics_harmed,
        sum(case when metric_role = 'guardrail' then 1 else 0 end) as guardrails,
        sum(case when is_guardrail_not_non_inferior or (is_harmed and metric_role = 'guardrail') then 1 else 0 end)
            as guardrails_failed,
        sum(case when is_harmed and metric_role = 'guardrail' then 1 else 0 end) as guardrails_harmed,
        min(pre_period_p_value) as min_pre_period_p_value,
        {{ ordered_string_agg(
            'reason', "'; '", "case when metric_role = 'primary' then '0' else '1' end || metric_name"
        ) }} as metric_reasons
    from metric_reasons
    group by experiment_id, treatment_variant, decision_variance_reduction

),

experiment_health as (

    select
        experiment_id,
        max(case when has_srm then 1 else 0 end) = 1 as has_srm,
        min(srm_p_value) as srm_p_value,
        sum(exposures_outside_window) as exposures_outside_window,
        sum(exposed_units + units_in_multiple_variants + exposures_outside_window) as first_exposed_units
    from health
    group by experiment_id

),

checked as (

    select
        per_decision.*,
        coalesce(experiment_health.has_srm, false) as has_srm,
        experiment_health.srm_p_value,
        coalesce(per_decision.min_pre_period_p_value < {{ var('experiment_pre_period_alpha', 0.001) }}, false)
            as has_pre_period_imbalance,
        coalesce(
            1.0e0 * experiment_health.exposures_outside_window / nullif(experiment_health.first_exposed_units, 0),
            0.0e0
        ) as share_exposures_outside_window,
        {{ alpha }} / nullif(primary_families.primary_tests, 0) as alpha_primary
    from per_decision
    left join experiment_health
        on per_decision.experiment_id = experiment_health.experiment_id
    left join primary_families
        on per_decision.experiment_id = primary_families.experiment_id
            and per_decision.variance_reduction = primary_families.variance_reduction
    -- a cuped decision needs every primary metric adjusted
    where per_decision.variance_reduction = 'none'
        or per_decision.primary_metrics_adjusted = per_decision.primary_metrics

),

decided as (

    select
        checked.*,
        coalesce(checked.share_exposures_outside_window > {{ var('experiment_max_share_outside_window', 0.05) }}, false)
            as has_exposures_outside_window,
        case
            when checked.has_srm or checked.has_pre_period_imbalance
                or checked.share_exposures_outside_window > {{ var('experiment_max_share_outside_window', 0.05) }}
                then 'invalid'
            when checked.primary_metrics_harmed > 0 or checked.guardrails_harmed > 0 then 'do_not_ship'
            when checked.primary_metrics_improved > 0 and checked.guardrails_failed > 0 then 'do_not_ship'
            when checked.primary_metrics_improved > 0 then 'ship'
            else 'inconclusive'
        end as decision
    from checked

),

final as (

    select
        cast(experiment_id as {{ dbt.type_string() }}) as experiment_id,
        cast(treatment_variant as {{ dbt.type_string() }}) as treatment_variant,
        cast(variance_reduction as {{ dbt.type_string() }}) as variance_reduction,
        cast(decision as {{ dbt.type_string() }}) as decision,
        cast(concat_ws(
            '; ',
            case when has_srm then 'sample ratio mismatch (SRM p ' || {{ p_value_text('srm_p_value') }} || ')' end,
            case when has_pre_period_imbalance then 'the arms differed before the experiment (pre-period p '
                    || {{ p_value_text('min_pre_period_p_value') }} || ')'
            end,
            case when
                    has_exposures_outside_window
                    then {{ percent_text('share_exposures_outside_window', signed=false) }}
                        || ' of first exposures outside the experiment window'
            end,
            case when primary_metrics = 0 then 'no primary metric' end,
            metric_reasons
        ) as {{ dbt.type_string() }}) as decision_reasons,
        cast('{{ mode }}' as {{ dbt.type_string() }}) as decision_basis,
        cast(primary_metrics_improved as {{ dbt.type_bigint() }}) as primary_metrics_improved,
        cast(primary_metrics_harmed as {{ dbt.type_bigint() }}) as primary_metrics_harmed,
        cast(guardrails_failed as {{ dbt.type_bigint() }}) as guardrails_failed,
        has_srm,
        has_pre_period_imbalance,
        cast(share_exposures_outside_window as double) as share_exposures_outside_window,
        cast(primary_metrics as {{ dbt.type_bigint() }}) as primary_metrics,
        cast(primary_metrics_without_test as {{ dbt.type_bigint() }}) as primary_metrics_without_test,
        cast(guardrails as {{ dbt.type_bigint() }}) as guardrails,
        cast({{ alpha }} as double) as alpha,
        cast(alpha_primary as double) as alpha_primary,
        cast(srm_p_value as double) as srm_p_value,
        cast(min_pre_period_p_value as double) as min_pre_period_p_value
    from decided

)

select * from final
