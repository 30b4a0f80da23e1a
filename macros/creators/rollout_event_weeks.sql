{#
    The rollout event study's regressor weeks: -rollout_event_weeks_before ..
    +rollout_event_weeks_after without the reference week -1 (the week
    before launch), ascending, so the pre-launch weeks come first. A list,
    for the models that estimate the event study and its bootstrap.
#}
{% macro rollout_event_weeks() %}
    {%- set event_weeks = [] %}
    {%- for week in range(-var('rollout_event_weeks_before', 4), var('rollout_event_weeks_after', 6) + 1) %}
        {%- if week != -1 %}{% do event_weeks.append(week) %}{% endif %}
    {%- endfor %}
    {{ return(event_weeks) }}
{% endmacro %}


{#
    The rollout event-study panel (a relation with the columns of
    int_rollout_event_study_panel) renamed to the estimator macros' columns
    (stacked_event_study_estimate's panel), one outcome per estimate_group:
    the one definition of the regression that fct_rewards_event_study and
    its bootstrap (int_rollout_event_study_bootstrap_matrix) both estimate.
#}
{% macro rollout_event_study_regression_panel(relation) %}
    select
        outcome_name as estimate_group,
        cohort_launched_on as stack_id,
        creator_id as unit_id,
        activity_date as period,
        country as cluster_id,
        outcome_value as y,
        case when is_treated_cohort then 1 else 0 end as treated,
        event_week
    from {{ relation }}
{% endmacro %}
