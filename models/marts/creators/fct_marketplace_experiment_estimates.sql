-- One row per marketplace experiment x design x estimator x metric: the relative and
-- absolute estimates with cluster-robust standard errors and normal intervals.
-- Every estimator is a contrast sum_c w_c * m_c of cell means m_c of
-- int_marketplace_analysis_rows (a saturated OLS on cell dummies), so its variance is
-- g' V g with V the cluster-robust covariance of the cell means:
--   V = sum over clusters G of s_G s_G', s_G[c] = sum_{rows of G in c} (y - m_c) / n_c,
--   times statsmodels' CRV1 factor G/(G-1) * (N-1)/(N-K) (N rows, K cells of the scope);
--   two-sided rows: V_viewer + V_creator - V_pair (Cameron, Gelbach and Miller 2011; the
--   pair clusters are the single rows), as statsmodels' cov_cluster_2groups.
-- Relative estimates divide by the base cell (delta method on the ratio, the gradient g).
-- Estimators (docs/marketplace_experiments.md):
--   naive_difference  treatment - control (creator_side: creators, viewer_side: viewers);
--   cannibalization   control creators' window - pre-period views (creator_side);
--   tsr_naive         Johari et al. (2022): treated viewer x treated creator cell against
--                     control x control, each normalized by its share of the market;
--   tsr_improved      tsr_naive corrected with both cross cells, after Johari et al.'s
--                     TSRI: + (1 - a_c)/a_c * (treated viewer x control creator - control x
--                     control) - (control viewer x treated creator - control x control), i.e.
--                     treated against control viewers over all creators, divided by a_c (the
--                     treated share of creators): the displacement inside treated viewers'
--                     feeds cancels, the budget effect is scaled to a fully boosted feed;
--                     baseline: control viewers over all creators.
{%- set alpha = var('experiment_alpha', 0.05) %}
with

analysis_rows as (

    select * from {{ ref('int_marketplace_analysis_rows') }}

),

scopes as (

    select
        experiment_id,
        design,
        metric_name,
        side,
        analysis_scope,
        count(*) as analysed_rows,
        count(distinct cell) as cells,
        count(distinct viewer_id) as viewers,
        count(distinct creator_id) as creators,
        count(distinct case when viewer_arm = 0 then viewer_id end) as viewers_control,
        count(distinct case when viewer_arm = 1 then viewer_id end) as viewers_treatment,
        count(distinct case when creator_arm = 0 then creator_id end) as creators_control,
        count(distinct case when creator_arm = 1 then creator_id end) as creators_treatment
    from analysis_rows
    group by experiment_id, design, metric_name, side, analysis_scope

),

cells as (

    select
        experiment_id,
        metric_name,
        analysis_scope,
        cell,
        count(*) as cell_rows,
        avg(outcome) as cell_mean
    from analysis_rows
    group by experiment_id, metric_name, analysis_scope, cell

),

estimator_cells as (

    -- weight of a cell: weight_constant + weight_over_treated_creator_share / a_c; in the
    -- baseline: base_constant + base_times_treated_creator_share * a_c
    {{ marketplace_estimator_cell('naive_difference', 'creators', 'treatment', 1, 0, 0) }}
    union all
    {{ marketplace_estimator_cell('naive_difference', 'creators', 'control', -1, 0, 1) }}
    union all
    {{ marketplace_estimator_cell('naive_difference', 'viewers', 'treatment', 1, 0, 0) }}
    union all
    {{ marketplace_estimator_cell('naive_difference', 'viewers', 'control', -1, 0, 1) }}
    union all
    {{ marketplace_estimator_cell('cannibalization', 'control_creator_periods', 'window', 1, 0, 0) }}
    union all
    {{ marketplace_estimator_cell('cannibalization', 'control_creator_periods', 'pre_period', -1, 0, 1) }}
    union all
    {{ marketplace_estimator_cell('tsr_naive', 'pairs', 'viewer_treatment_creator_treatment', 1, 0, 0) }}
    union all
    {{ marketplace_estimator_cell('tsr_naive', 'pairs', 'viewer_control_creator_control', -1, 0, 1) }}
    union all
    {{ marketplace_estimator_cell('tsr_improved', 'pairs', 'viewer_treatment_creator_treatment', 1, 0, 0) }}
    union all
    {{ marketplace_estimator_cell('tsr_improved', 'pairs', 'viewer_treatment_creator_control', -1, 1, 0) }}
    union all
    {{ marketplace_estimator_cell('tsr_improved', 'pairs', 'viewer_control_creator_treatment', -1, 0, 0, 1) }}
    union all
    {{ marketplace_estimator_cell('tsr_improved', 'pairs', 'viewer_control_creator_control', 1, -1, 1, -1) }}

),

weighted_cells as (

    select
        cells.experiment_id,
        cells.metric_name,
        cells.analysis_scope,
        estimator_cells.estimator,
        cells.cell,
        cells.cell_rows,
        cells.cell_mean,
        case
            when estimator_cells.weight_over_treated_creator_share = 0 then estimator_cells.weight_constant
            else estimator_cells.weight_constant
                + estimator_cells.weight_over_treated_creator_share
                * scopes.creators / nullif(cast(scopes.creators_treatment as {{ dbt.type_float() }}), 0)
        end as weight,
        case
            when estimator_cells.base_times_treated_creator_share = 0 then estimator_cells.base_constant
            else estimator_cells.base_constant
                + estimator_cells.base_times_treated_creator_share
                * scopes.creators_treatment / nullif(cast(scopes.creators as {{ dbt.type_float() }}), 0)
        end as base_weight,
        -- absolute effects in the metric's unit: a pair mean times the other side's count
        case
            when cells.analysis_scope = 'pairs' and scopes.side = 'creator' then scopes.viewers
            when cells.analysis_scope = 'pairs' then scopes.creators
            else 1
        end as absolute_scale
    from cells
    inner join estimator_cells
        on cells.analysis_scope = estimator_cells.analysis_scope
            and cells.cell = estimator_cells.cell
    inner join scopes
        on cells.experiment_id = scopes.experiment_id
            and cells.metric_name = scopes.metric_name
            and cells.analysis_scope = scopes.analysis_scope

),

contrasts as (

    select
        experiment_id,
        metric_name,
        analysis_scope,
        estimator,
        sum(weight * cell_mean) as contrast,
        sum(base_weight * cell_mean) as base_mean,
        max(absolute_scale) as absolute_scale
    from weighted_cells
    group by experiment_id, metric_name, analysis_scope, estimator

),

gradients as (

    -- d(estimate)/d(cell mean), divided by the cell's rows (the score of a row is its
    -- residual times this)
    select
        weighted_cells.experiment_id,
        weighted_cells.metric_name,
        weighted_cells.analysis_scope,
        weighted_cells.estimator,
        weighted_cells.cell,
        weighted_cells.weight * contrasts.absolute_scale / weighted_cells.cell_rows as absolute_gradient,
        (
            weighted_cells.weight / contrasts.base_mean
            - weighted_cells.base_weight * contrasts.contrast / (contrasts.base_mean * contrasts.base_mean)
        ) / weighted_cells.cell_rows as relative_gradient,
        weighted_cells.cell_mean
    from weighted_cells
    inner join contrasts
        on weighted_cells.experiment_id = contrasts.experiment_id
            and weighted_cells.metric_name = contrasts.metric_name
            and weighted_cells.analysis_scope = contrasts.analysis_scope
            and weighted_cells.estimator = contrasts.estimator

),

row_scores as (

    select
        analysis_rows.experiment_id,
        analysis_rows.metric_name,
        analysis_rows.analysis_scope,
        gradients.estimator,
        analysis_rows.viewer_id,
        analysis_rows.creator_id,
        gradients.absolute_gradient * (analysis_rows.outcome - gradients.cell_mean) as absolute_score,
        gradients.relative_gradient * (analysis_rows.outcome - gradients.cell_mean) as relative_score
    from analysis_rows
    inner join gradients
        on analysis_rows.experiment_id = gradients.experiment_id
            and analysis_rows.metric_name = gradients.metric_name
            and analysis_rows.analysis_scope = gradients.analysis_scope
            and analysis_rows.cell = gradients.cell

),

viewer_clusters as (

    select
        experiment_id,
        metric_name,
        analysis_scope,
        estimator,
        sum(absolute_score) as absolute_score,
        sum(relative_score) as relative_score
    from row_scores
    where viewer_id is not null
    group by experiment_id, metric_name, analysis_scope, estimator, viewer_id

),

creator_clusters as (

    select
        experiment_id,
        metric_name,
        analysis_scope,
        estimator,
        sum(absolute_score) as absolute_score,
        sum(relative_score) as relative_score
    from row_scores
    where creator_id is not null
    group by experiment_id, metric_name, analysis_scope, estimator, creator_id

),

clusters_summed as (

    select
        experiment_id,
        metric_name,
        analysis_scope,
        estimator,
        'viewer' as cluster_kind,
        sum(absolute_score * absolute_score) as absolute_meat,
        sum(relative_score * relative_score) as relative_meat
    from viewer_clusters
    group by experiment_id, metric_name, analysis_scope, estimator

    union all

    select
        experiment_id,
        metric_name,
        analysis_scope,
        estimator,
        'creator' as cluster_kind,
        sum(absolute_score * absolute_score) as absolute_meat,
        sum(relative_score * relative_score) as relative_meat
    from creator_clusters
    group by experiment_id, metric_name, analysis_scope, estimator

    union all

    -- the intersection clusters of two-way clustering: one pair per row
    select
        experiment_id,
        metric_name,
        analysis_scope,
        estimator,
        'pair' as cluster_kind,
        sum(absolute_score * absolute_score) as absolute_meat,
        sum(relative_score * relative_score) as relative_meat
    from row_scores
    where analysis_scope = 'pairs'
    group by experiment_id, metric_name, analysis_scope, estimator

),

cluster_counts as (

    -- G of each clustering: viewers, creators, and the pairs (one per row)
    select
        experiment_id,
        metric_name,
        analysis_scope,
        'viewer' as cluster_kind,
        cast(viewers as {{ dbt.type_float() }}) as cluster_count
    from scopes
    union all
    select
        experiment_id,
        metric_name,
        analysis_scope,
        'creator' as cluster_kind,
        cast(creators as {{ dbt.type_float() }}) as cluster_count
    from scopes
    union all
    select
        experiment_id,
        metric_name,
        analysis_scope,
        'pair' as cluster_kind,
        cast(analysed_rows as {{ dbt.type_float() }}) as cluster_count
    from scopes

),

variance_parts as (

    -- statsmodels' CRV1 factor per clustering: G/(G-1) * (N-1)/(N-K); the two-way
    -- variance subtracts the pair part; one-way scopes keep their own unit's part
    select
        clusters_summed.experiment_id,
        clusters_summed.metric_name,
        clusters_summed.analysis_scope,
        clusters_summed.estimator,
        case
            when clusters_summed.cluster_kind = 'pair' then -1.0
            else 1.0
        end
        * clusters_summed.absolute_meat
        * cluster_counts.cluster_count / (cluster_counts.cluster_count - 1.0)
        * (scopes.analysed_rows - 1.0) / (scopes.analysed_rows - scopes.cells) as absolute_variance_part,
        case
            when clusters_summed.cluster_kind = 'pair' then -1.0
            else 1.0
        end
        * clusters_summed.relative_meat
        * cluster_counts.cluster_count / (cluster_counts.cluster_count - 1.0)
        * (scopes.analysed_rows - 1.0) / (scopes.analysed_rows - scopes.cells) as relative_variance_part
    from clusters_summed
    inner join scopes
        on clusters_summed.experiment_id = scopes.experiment_id
            and clusters_summed.metric_name = scopes.metric_name
            and clusters_summed.analysis_scope = scopes.analysis_scope
    inner join cluster_counts
        on clusters_summed.experiment_id = cluster_counts.experiment_id
            and clusters_summed.metric_name = cluster_counts.metric_name
            and clusters_summed.analysis_scope = cluster_counts.analysis_scope
            and clusters_summed.cluster_kind = cluster_counts.cluster_kind

),

variances as (

    select
        experiment_id,
        metric_name,
        analysis_scope,
        estimator,
        sum(absolute_variance_part) as absolute_variance,
        sum(relative_variance_part) as relative_variance
    from variance_parts
    group by experiment_id, metric_name, analysis_scope, estimator

),

estimates as (

    select
        scopes.experiment_id,
        scopes.design,
        contrasts.estimator,
        scopes.metric_name,
        scopes.side,
        scopes.analysis_scope,
        case
            when scopes.analysis_scope = 'pairs' then 'viewer_and_creator'
            when scopes.analysis_scope = 'viewers' then 'viewer'
            else 'creator'
        end as clustered_by,
        contrasts.base_mean * contrasts.absolute_scale as baseline_value,
        contrasts.contrast / contrasts.base_mean as relative_estimate,
        sqrt(variances.relative_variance) as relative_standard_error,
        contrasts.contrast * contrasts.absolute_scale as absolute_estimate,
        sqrt(variances.absolute_variance) as absolute_standard_error,
        {{ normal_quantile(1 - alpha / 2) }} as critical_z,
        scopes.viewers_control,
        scopes.viewers_treatment,
        scopes.creators_control,
        scopes.creators_treatment,
        scopes.analysed_rows
    from contrasts
    inner join variances
        on contrasts.experiment_id = variances.experiment_id
            and contrasts.metric_name = variances.metric_name
            and contrasts.analysis_scope = variances.analysis_scope
            and contrasts.estimator = variances.estimator
    inner join scopes
        on contrasts.experiment_id = scopes.experiment_id
            and contrasts.metric_name = scopes.metric_name
            and contrasts.analysis_scope = scopes.analysis_scope

),

final as (

    select
        experiment_id,
        design,
        estimator,
        metric_name,
        side,
        analysis_scope,
        clustered_by,
        baseline_value,
        relative_estimate,
        relative_standard_error,
        relative_estimate - critical_z * relative_standard_error as relative_ci_lower,
        relative_estimate + critical_z * relative_standard_error as relative_ci_upper,
        absolute_estimate,
        absolute_standard_error,
        absolute_estimate - critical_z * absolute_standard_error as absolute_ci_lower,
        absolute_estimate + critical_z * absolute_standard_error as absolute_ci_upper,
        cast(viewers_control as {{ dbt.type_int() }}) as viewers_control,
        cast(viewers_treatment as {{ dbt.type_int() }}) as viewers_treatment,
        cast(creators_control as {{ dbt.type_int() }}) as creators_control,
        cast(creators_treatment as {{ dbt.type_int() }}) as creators_treatment,
        cast(analysed_rows as {{ dbt.type_int() }}) as analysed_rows
    from estimates

)

select * from final
