{#
    Interaction-weighted event study (Sun and Abraham 2021), in SQL.

    Emits CTE definitions to place inside a model's `with` list, all named
    <prefix>_*. `panel` has the columns of stacked_event_study_estimate's
    panel; each stack is one launch cohort. Every (estimate_group, stack_id)
    is estimated as its own regression (stacked_event_study_estimate on
    <prefix>_cohort_panel, CTEs <prefix>_cohort_*), so a cohort's week-k
    coefficient b_sk compares only its own treated creators with its own
    clean controls. The week's estimate averages the cohorts that reach it,
    weighted by their share of the week's treated creator-days:
        b_k = sum_s w_sk b_sk,   w_sk = n_sk^treated / sum_s n_sk^treated,
    the ATT of the week's treated creator-days. A pooled regression (one
    b_k for all stacks) is not such an average when cohorts' effects differ
    and their event windows are clipped differently by the data: its pre-launch
    coefficients pick up other weeks' effects (Sun and Abraham, section 3).

    Standard errors: the cohort regressions share control countries, so the
    covariance is the cluster-robust sandwich of the fully interacted
    regression (cohort x week dummies, stacked fixed effects): a cluster's
    influence on b_k is psi_gk = sum_s w_sk (A_s^-1 s_gs)_k, with A_s the
    cohort's X~'X~ and s_gs its score in the cohort regression, and
        V = sum_g psi_g psi_g' * G/(G-1) * (N-1)/(N-K),
    G the countries of the estimate group, N its creator-days, K the
    interacted regression's columns (sum over cohorts of their fixed effects
    and weeks with data): statsmodels' cov_type='cluster' of that regression,
    read through the linear combination w.

    The CTEs a model reads: <prefix>_estimated (the columns of
    stacked_event_study_estimate's <prefix>_estimated), <prefix>_covariance
    (group_key, row_index, column_index, covariance), <prefix>_support, and
    <prefix>_weights (estimate_group, cohort_group, stack_id, regressor_index,
    event_week, treated_observations, cohort_weight).
#}
{% macro interaction_weighted_event_study(panel, prefix, event_weeks) %}

    -- one regression per estimate group x cohort stack
    {{ prefix }}_cohort_panel as {{ materialized() }} (

        select
            {{ dbt.concat(['estimate_group', "'|'", 'cast(stack_id as ' ~ dbt.type_string() ~ ')']) }}
                as estimate_group,
            estimate_group as parent_group,
            stack_id,
            unit_id,
            period,
            cluster_id,
            y,
            treated,
            event_week
        from {{ panel }}

    ),

    {{ prefix }}_cohorts as (

        select distinct
            estimate_group as cohort_group,
            parent_group as estimate_group,
            stack_id
        from {{ prefix }}_cohort_panel

    ),

    {{ stacked_event_study_estimate(prefix ~ '_cohort_panel', prefix ~ '_cohort', event_weeks) }},

    -- w_sk over the cohorts with treated creator-days in the week
    {{ prefix }}_weights as {{ materialized() }} (

        select
            cohorts.estimate_group,
            cohorts.cohort_group,
            cohorts.stack_id,
            support.regressor_index,
            support.event_week,
            support.treated_observations,
            cast(support.treated_observations as double) / sum(support.treated_observations) over (
                partition by cohorts.estimate_group, support.regressor_index
            ) as cohort_weight
        from {{ prefix }}_cohort_support as support
        inner join {{ prefix }}_cohorts as cohorts
            on support.estimate_group = cohorts.cohort_group
        where support.treated_observations > 0

    ),

    {{ prefix }}_support as (

        select
            groups.estimate_group,
            regressors.regressor_index,
            regressors.event_week,
            coalesce(sum(weights.treated_observations), 0) as treated_observations
        from (select distinct estimate_group from {{ prefix }}_cohorts) as groups
        cross join {{ prefix }}_cohort_regressors as regressors
        left join {{ prefix }}_weights as weights
            on
                groups.estimate_group = weights.estimate_group
                and regressors.regressor_index = weights.regressor_index
        group by
            groups.estimate_group,
            regressors.regressor_index,
            regressors.event_week

    ),

    {{ prefix }}_coefficients as (

        select
            weights.estimate_group as group_key,
            weights.regressor_index,
            sum(weights.cohort_weight * coefficients.estimate) as estimate
        from {{ prefix }}_weights as weights
        inner join {{ prefix }}_cohort_coefficients as coefficients
            on
                weights.cohort_group = coefficients.group_key
                and weights.regressor_index = coefficients.regressor_index
        group by
            weights.estimate_group,
            weights.regressor_index

    ),

    -- (A_s^-1 s_gs)_k: the cluster's influence on the cohort's coefficients
    {{ prefix }}_cohort_influence as (

        select
            bread.group_key as cohort_group,
            scores.cluster_id,
            bread.row_index as regressor_index,
            sum(bread.cell_value * scores.score) as influence
        from {{ prefix }}_cohort_bread_inverse as bread
        inner join {{ prefix }}_cohort_scores as scores
            on
                bread.group_key = scores.estimate_group
                and bread.column_index = scores.regressor_index
        group by
            bread.group_key,
            scores.cluster_id,
            bread.row_index

    ),

    {{ prefix }}_influence as {{ materialized() }} (

        select
            weights.estimate_group,
            influence.cluster_id,
            weights.regressor_index,
            sum(weights.cohort_weight * influence.influence) as influence
        from {{ prefix }}_weights as weights
        inner join {{ prefix }}_cohort_influence as influence
            on
                weights.cohort_group = influence.cohort_group
                and weights.regressor_index = influence.regressor_index
        group by
            weights.estimate_group,
            influence.cluster_id,
            weights.regressor_index

    ),

    {{ prefix }}_dimensions as (

        select
            cohorts.estimate_group,
            cast(count(*) as {{ dbt.type_bigint() }}) as stacks,
            cast(sum(dimensions.stack_units) as {{ dbt.type_bigint() }}) as stack_units,
            cast(sum(dimensions.observations) as {{ dbt.type_bigint() }}) as observations,
            cast(sum(dimensions.parameters) as {{ dbt.type_bigint() }}) as parameters,
            max(cluster_counts.clusters) as clusters
        from {{ prefix }}_cohort_dimensions as dimensions
        inner join {{ prefix }}_cohorts as cohorts
            on dimensions.estimate_group = cohorts.cohort_group
        inner join (
            select
                cohorts.estimate_group,
                cast(count(distinct clusters.cluster_id) as {{ dbt.type_bigint() }}) as clusters
            from {{ prefix }}_cohort_clusters as clusters
            inner join {{ prefix }}_cohorts as cohorts
                on clusters.estimate_group = cohorts.cohort_group
            group by cohorts.estimate_group
        ) as cluster_counts
            on cohorts.estimate_group = cluster_counts.estimate_group
        group by cohorts.estimate_group

    ),

    -- the sandwich with statsmodels' small-sample factor; no row for a week without data
    {{ prefix }}_covariance as (

        select
            row_influence.estimate_group as group_key,
            row_influence.regressor_index as row_index,
            column_influence.regressor_index as column_index,
            sum(row_influence.influence * column_influence.influence)
            * {{ cluster_robust_factor('max(dimensions.clusters)', 'max(dimensions.observations)', 'max(dimensions.parameters)') }}
                as covariance
        from {{ prefix }}_influence as row_influence
        inner join {{ prefix }}_influence as column_influence
            on
                row_influence.estimate_group = column_influence.estimate_group
                and row_influence.cluster_id = column_influence.cluster_id
        inner join {{ prefix }}_dimensions as dimensions
            on row_influence.estimate_group = dimensions.estimate_group
        group by
            row_influence.estimate_group,
            row_influence.regressor_index,
            column_influence.regressor_index

    ),

    {{ prefix }}_estimated as (

        select
            support.estimate_group,
            support.event_week,
            support.regressor_index,
            coefficients.estimate,
            sqrt(covariance.covariance) as std_error,
            cast(support.treated_observations as {{ dbt.type_bigint() }}) as treated_observations,
            dimensions.observations,
            dimensions.clusters,
            dimensions.stacks,
            dimensions.stack_units,
            dimensions.parameters
        from {{ prefix }}_support as support
        inner join {{ prefix }}_dimensions as dimensions
            on support.estimate_group = dimensions.estimate_group
        left join {{ prefix }}_coefficients as coefficients
            on
                support.estimate_group = coefficients.group_key
                and support.regressor_index = coefficients.regressor_index
        left join {{ prefix }}_covariance as covariance
            on
                support.estimate_group = covariance.group_key
                and support.regressor_index = covariance.row_index
                and support.regressor_index = covariance.column_index

    )

{% endmacro %}
