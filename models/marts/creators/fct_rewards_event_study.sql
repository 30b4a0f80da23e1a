-- Event study of the creator rewards program's country-by-country launch:
-- the effect per week relative to launch, the week before launch as
-- reference. Each launch cohort is its own regression against its clean
-- controls (int_rollout_event_study_panel), and a week's estimate averages
-- the cohorts that reach it by their treated creator-days (Sun and Abraham's
-- interaction weights, macro interaction_weighted_event_study), so no week
-- borrows another cohort's other weeks. One row per outcome x event week from
-- -rollout_event_weeks_before to +rollout_event_weeks_after. Standard errors
-- clustered by country. The joint pre-trend test is the Wald test that every
-- pre-launch week's coefficient is 0, with its chi-square p-value and its
-- restricted wild cluster bootstrap p-value (int_rollout_event_study_bootstrap_matrix),
-- repeated on the outcome's rows. Weeks no treated creator-day falls in (the
-- event window reaches past the data) keep their row with a null estimate.
-- Not built on Spark: Spark 4's analyzer runs out of a 4 GB heap planning the
-- estimator's chain of small-matrix CTEs (docs/causal_inference.md, Engines).
{{ config(enabled=target.type != 'spark') }}
{%- set reference_week = -1 %}
{%- set event_weeks = rollout_event_weeks() %}
{%- set pre_weeks = event_weeks | select('lessthan', reference_week) | list %}
with

bootstrap_matrix as (

    select
        outcome_name as estimate_group,
        row_bit,
        column_bit,
        test_index,
        clusters,
        has_data,
        cell_value,
        column_coefficient_response
    from {{ ref('int_rollout_event_study_bootstrap_matrix') }}

),

study_panel as (

    {{ rollout_event_study_regression_panel(ref('int_rollout_event_study_panel')) }}

),

{{ interaction_weighted_event_study('study_panel', 'study', event_weeks) }},

-- the pre-launch weeks' covariance (a week without data: 1 on its diagonal)
pre_covariance as (

    select
        row_support.estimate_group as group_key,
        row_support.regressor_index as row_index,
        column_support.regressor_index as column_index,
        case
            when row_support.treated_observations = 0 or column_support.treated_observations = 0
                then case when row_support.regressor_index = column_support.regressor_index then 1.0e0 else 0.0e0 end
            else covariance.covariance
        end as cell_value
    from study_support as row_support
    inner join study_support as column_support
        on row_support.estimate_group = column_support.estimate_group
    left join study_covariance as covariance
        on
            row_support.estimate_group = covariance.group_key
            and row_support.regressor_index = covariance.row_index
            and column_support.regressor_index = covariance.column_index
    where
        row_support.regressor_index < {{ pre_weeks | length }}
        and column_support.regressor_index < {{ pre_weeks | length }}

),

{{ gauss_jordan_inverse('pre_covariance', 'pre', pre_weeks | length) }},

{{ wild_bootstrap_wald_p_values('bootstrap_matrix', 'wild', pre_weeks | length) }},

-- the pre-launch weeks with treated observations: the Wald test's degrees of freedom
pre_weeks_with_data as (

    select
        estimate_group,
        cast(sum(case when treated_observations > 0 then 1 else 0 end) as {{ dbt.type_int() }}) as pre_weeks
    from study_support
    where regressor_index < {{ pre_weeks | length }}
    group by estimate_group

),

-- W = b' V^-1 b over the pre-launch weeks with data, chi-square with that many df
pre_trend_test as (

    select
        inverse.group_key as outcome_name,
        sum(row_estimates.estimate * inverse.cell_value * column_estimates.estimate) as wald_statistic,
        max(weeks.pre_weeks) as degrees_of_freedom
    from pre_inverse as inverse
    inner join study_estimated as row_estimates
        on
            inverse.group_key = row_estimates.estimate_group
            and inverse.row_index = row_estimates.regressor_index
    inner join study_estimated as column_estimates
        on
            inverse.group_key = column_estimates.estimate_group
            and inverse.column_index = column_estimates.regressor_index
    inner join pre_weeks_with_data as weeks
        on inverse.group_key = weeks.estimate_group
    group by inverse.group_key

),

weeks as (

    select
        estimate_group as outcome_name,
        event_week,
        false as is_reference_week,
        estimate,
        std_error,
        treated_observations,
        observations,
        clusters,
        stacks,
        stack_units,
        parameters
    from study_estimated

    union all

    -- the reference week: 0 by construction
    select distinct
        estimate_group as outcome_name,
        {{ reference_week }} as event_week,
        true as is_reference_week,
        0.0e0 as estimate,
        cast(null as double) as std_error,
        cast(null as {{ dbt.type_bigint() }}) as treated_observations,
        observations,
        clusters,
        stacks,
        stack_units,
        parameters
    from study_estimated

),

final as (

    select
        weeks.outcome_name,
        weeks.event_week,
        weeks.is_reference_week,
        weeks.estimate,
        weeks.std_error,
        weeks.estimate - {{ var('did_z_critical', 1.959963984540054) }} * weeks.std_error as ci_lower,
        weeks.estimate + {{ var('did_z_critical', 1.959963984540054) }} * weeks.std_error as ci_upper,
        {{ two_sided_p_value('weeks.estimate / nullif(weeks.std_error, 0)') }} as p_value,
        weeks.treated_observations,
        weeks.observations,
        weeks.clusters,
        weeks.stacks,
        weeks.stack_units,
        weeks.parameters,
        pre_trend_test.wald_statistic as pre_trend_wald_statistic,
        pre_trend_test.degrees_of_freedom as pre_trend_degrees_of_freedom,
        {{ chi_square_sf('pre_trend_test.wald_statistic', 'pre_trend_test.degrees_of_freedom', max_df=10) }}
            as pre_trend_p_value,
        wild_p_values.p_value as pre_trend_wild_bootstrap_p_value,
        wild_p_values.sign_vectors as pre_trend_wild_bootstrap_sign_vectors
    from weeks
    inner join pre_trend_test
        on weeks.outcome_name = pre_trend_test.outcome_name
    left join wild_p_values
        on weeks.outcome_name = wild_p_values.estimate_group

)

select * from final
