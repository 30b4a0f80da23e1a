{#
    Stacked event study (one coefficient per week relative to launch), in SQL.

    Emits CTE definitions to place inside a model's `with` list, all named
    <prefix>_*; the ones a model reads are
      <prefix>_estimated: one row per estimate_group x event_week of
        event_weeks (estimate, std_error, treated_observations, observations,
        clusters, stacks, stack_units, parameters); estimate and std_error are
        null for a week no treated creator-day falls in;
      <prefix>_covariance: group_key, row_index, column_index, covariance, the
        cluster-robust covariance of the coefficients (row/column index = the
        week's position in event_weeks), and <prefix>_coefficients.
    `panel` is a CTE with the columns estimate_group, stack_id, unit_id, period,
    cluster_id, y, treated (1 for the stack's treated units, else 0) and
    event_week (every period of a stack in event_weeks or the reference week,
    the same for all units of the stack). Within every (estimate_group,
    stack_id) the panel must be balanced. event_weeks: the regressors'
    weeks, ascending, without the reference week.

    The regression, per estimate_group:
        y = stack-unit FE + stack-period FE + sum_k beta_k * treated * [event_week = k] + e.
    In a balanced stack s with treated share p_s and n_s periods, n_sk of them
    in week k, the two-way demeaned regressor is
        x~_k = (treated - p_s) * ([event_week = k] - n_sk / n_s),
    so the cross products need no pass over the rows:
        sum over cluster g of x~_k x~_j = sum_s U_gs * ([k = j] n_sk - n_sk n_sj / n_s),
        U_gs = sum over the cluster's units in s of (treated - p_s)^2,
    and, y~ having zero mean over each unit's periods,
        sum over cluster g of x~_k y~ = sum over its rows in week k of (treated - p_s) * y~.
    The cluster sums of y~ by week and of (treated - p_s) are kept for
    the event study's wild bootstrap (event_study_wild_bootstrap_matrix).
    beta = (X~'X~)^-1 X~'y~ (Frisch-Waugh-Lovell); a cluster's score is
    s_g = X~_g'y~_g - X~_g'X~_g beta, and the covariance is the sandwich
        V = (X~'X~)^-1 (sum_g s_g s_g') (X~'X~)^-1 * G/(G-1) * (N-1)/(N-K),
    statsmodels' cov_type='cluster' factor, K = sum over stacks of
    (units + periods - 1) + the weeks with data.
#}
{% macro stacked_event_study_estimate(panel, prefix, event_weeks) %}
    {%- set size = event_weeks | length %}

    {{ prefix }}_unit_means as (

        select
            estimate_group,
            stack_id,
            unit_id,
            min(cluster_id) as cluster_id,
            max(treated) as treated,
            avg(y) as y_mean
        from {{ panel }}
        group by
            estimate_group,
            stack_id,
            unit_id

    ),

    {{ prefix }}_period_means as (

        select
            estimate_group,
            stack_id,
            period,
            min(event_week) as event_week,
            avg(y) as y_mean
        from {{ panel }}
        group by
            estimate_group,
            stack_id,
            period

    ),

    {{ prefix }}_stack_means as (

        select
            estimate_group,
            stack_id,
            avg(y) as y_mean,
            count(*) as observations
        from {{ panel }}
        group by
            estimate_group,
            stack_id

    ),

    {{ prefix }}_stack_units as (

        select
            estimate_group,
            stack_id,
            count(*) as units,
            avg(treated) as treated_share
        from {{ prefix }}_unit_means
        group by
            estimate_group,
            stack_id

    ),

    {{ prefix }}_week_days as (

        select
            estimate_group,
            stack_id,
            event_week,
            count(*) as days
        from {{ prefix }}_period_means
        group by
            estimate_group,
            stack_id,
            event_week

    ),

    {{ prefix }}_stack_days as (

        select
            estimate_group,
            stack_id,
            sum(days) as days
        from {{ prefix }}_week_days
        group by
            estimate_group,
            stack_id

    ),

    {{ prefix }}_regressors as (

        {% for week in event_weeks %}
        select
            {{ week }} as event_week,
            {{ loop.index0 }} as regressor_index
        {% if not loop.last %}union all{% endif %}
        {% endfor %}

    ),

    -- sum over a cluster's rows in week k of (treated - p_s) * y~, and of y~
    {{ prefix }}_cluster_cross_y as (

        select
            panel.estimate_group,
            panel.cluster_id,
            regressors.regressor_index,
            sum(
                (panel.treated - stack_units.treated_share)
                * (panel.y - unit_means.y_mean - period_means.y_mean + stack_means.y_mean)
            ) as cross_y,
            sum(panel.y - unit_means.y_mean - period_means.y_mean + stack_means.y_mean) as y_tilde_sum
        from {{ panel }} as panel
        inner join {{ prefix }}_regressors as regressors
            on panel.event_week = regressors.event_week
        inner join {{ prefix }}_unit_means as unit_means
            on
                panel.estimate_group = unit_means.estimate_group
                and panel.stack_id = unit_means.stack_id
                and panel.unit_id = unit_means.unit_id
        inner join {{ prefix }}_period_means as period_means
            on
                panel.estimate_group = period_means.estimate_group
                and panel.stack_id = period_means.stack_id
                and panel.period = period_means.period
        inner join {{ prefix }}_stack_means as stack_means
            on
                panel.estimate_group = stack_means.estimate_group
                and panel.stack_id = stack_means.stack_id
        inner join {{ prefix }}_stack_units as stack_units
            on
                panel.estimate_group = stack_units.estimate_group
                and panel.stack_id = stack_units.stack_id
        group by
            panel.estimate_group,
            panel.cluster_id,
            regressors.regressor_index

    ),

    -- U_gs, sum of (treated - p_s), and the cluster's treated units for the weeks' support
    {{ prefix }}_cluster_units as (

        select
            unit_means.estimate_group,
            unit_means.stack_id,
            unit_means.cluster_id,
            sum(
                (unit_means.treated - stack_units.treated_share)
                * (unit_means.treated - stack_units.treated_share)
            ) as treated_ss,
            sum(unit_means.treated - stack_units.treated_share) as treated_deviation,
            sum(unit_means.treated) as treated_units
        from {{ prefix }}_unit_means as unit_means
        inner join {{ prefix }}_stack_units as stack_units
            on
                unit_means.estimate_group = stack_units.estimate_group
                and unit_means.stack_id = stack_units.stack_id
        group by
            unit_means.estimate_group,
            unit_means.stack_id,
            unit_means.cluster_id

    ),

    {{ prefix }}_stack_weeks as (

        select
            week_days.estimate_group,
            week_days.stack_id,
            regressors.regressor_index,
            week_days.days,
            stack_days.days as stack_days
        from {{ prefix }}_week_days as week_days
        inner join {{ prefix }}_regressors as regressors
            on week_days.event_week = regressors.event_week
        inner join {{ prefix }}_stack_days as stack_days
            on
                week_days.estimate_group = stack_days.estimate_group
                and week_days.stack_id = stack_days.stack_id

    ),

    -- X~_g'X~_g, by cluster: sum_s U_gs * ([k = j] n_sk - n_sk n_sj / n_s)
    {{ prefix }}_cluster_cross as (

        select
            cluster_units.estimate_group,
            cluster_units.cluster_id,
            row_weeks.regressor_index as row_index,
            column_weeks.regressor_index as column_index,
            sum(
                cluster_units.treated_ss * (
                    case when row_weeks.regressor_index = column_weeks.regressor_index then row_weeks.days else 0 end
                    - row_weeks.days * column_weeks.days / row_weeks.stack_days
                )
            ) as cross_x
        from {{ prefix }}_cluster_units as cluster_units
        inner join {{ prefix }}_stack_weeks as row_weeks
            on
                cluster_units.estimate_group = row_weeks.estimate_group
                and cluster_units.stack_id = row_weeks.stack_id
        inner join {{ prefix }}_stack_weeks as column_weeks
            on
                cluster_units.estimate_group = column_weeks.estimate_group
                and cluster_units.stack_id = column_weeks.stack_id
        group by
            cluster_units.estimate_group,
            cluster_units.cluster_id,
            row_weeks.regressor_index,
            column_weeks.regressor_index

    ),

    -- treated creator-days per week: a week without any has no coefficient
    {{ prefix }}_support as (

        select
            groups.estimate_group,
            regressors.regressor_index,
            regressors.event_week,
            coalesce(sum(cluster_units.treated_units * stack_weeks.days), 0) as treated_observations
        from (select distinct estimate_group from {{ prefix }}_stack_units) as groups
        cross join {{ prefix }}_regressors as regressors
        left join {{ prefix }}_stack_weeks as stack_weeks
            on
                groups.estimate_group = stack_weeks.estimate_group
                and regressors.regressor_index = stack_weeks.regressor_index
        left join {{ prefix }}_cluster_units as cluster_units
            on
                stack_weeks.estimate_group = cluster_units.estimate_group
                and stack_weeks.stack_id = cluster_units.stack_id
        group by
            groups.estimate_group,
            regressors.regressor_index,
            regressors.event_week

    ),

    -- X~'X~, with 1 on the diagonal of a week without data (see gauss_jordan_inverse)
    {{ prefix }}_cross_matrix as (

        select
            row_support.estimate_group as group_key,
            row_support.regressor_index as row_index,
            column_support.regressor_index as column_index,
            coalesce(sum(cluster_cross.cross_x), 0)
            + case
                when
                    row_support.regressor_index = column_support.regressor_index
                    and row_support.treated_observations = 0
                    then 1
                else 0
            end as cell_value
        from {{ prefix }}_support as row_support
        inner join {{ prefix }}_support as column_support
            on row_support.estimate_group = column_support.estimate_group
        left join {{ prefix }}_cluster_cross as cluster_cross
            on
                row_support.estimate_group = cluster_cross.estimate_group
                and row_support.regressor_index = cluster_cross.row_index
                and column_support.regressor_index = cluster_cross.column_index
        group by
            row_support.estimate_group,
            row_support.regressor_index,
            column_support.regressor_index,
            row_support.treated_observations

    ),

    {{ gauss_jordan_inverse(prefix ~ '_cross_matrix', prefix ~ '_bread', size) }},

    {{ prefix }}_cross_y as (

        select
            estimate_group,
            regressor_index,
            sum(cross_y) as cross_y
        from {{ prefix }}_cluster_cross_y
        group by
            estimate_group,
            regressor_index

    ),

    {{ prefix }}_coefficients as (

        select
            bread.group_key,
            bread.row_index as regressor_index,
            sum(bread.cell_value * coalesce(cross_y.cross_y, 0)) as estimate
        from {{ prefix }}_bread_inverse as bread
        left join {{ prefix }}_cross_y as cross_y
            on
                bread.group_key = cross_y.estimate_group
                and bread.column_index = cross_y.regressor_index
        group by
            bread.group_key,
            bread.row_index

    ),

    {{ prefix }}_clusters as (

        select distinct
            estimate_group,
            cluster_id
        from {{ prefix }}_cluster_units

    ),

    -- X~_g'X~_g beta, by cluster
    {{ prefix }}_cluster_fitted as (

        select
            cluster_cross.estimate_group,
            cluster_cross.cluster_id,
            cluster_cross.row_index as regressor_index,
            sum(cluster_cross.cross_x * coefficients.estimate) as fitted
        from {{ prefix }}_cluster_cross as cluster_cross
        inner join {{ prefix }}_coefficients as coefficients
            on
                cluster_cross.estimate_group = coefficients.group_key
                and cluster_cross.column_index = coefficients.regressor_index
        group by
            cluster_cross.estimate_group,
            cluster_cross.cluster_id,
            cluster_cross.row_index

    ),

    {{ prefix }}_scores as (

        select
            clusters.estimate_group,
            clusters.cluster_id,
            regressors.regressor_index,
            coalesce(cluster_cross_y.cross_y, 0) - coalesce(cluster_fitted.fitted, 0) as score
        from {{ prefix }}_clusters as clusters
        cross join {{ prefix }}_regressors as regressors
        left join {{ prefix }}_cluster_cross_y as cluster_cross_y
            on
                clusters.estimate_group = cluster_cross_y.estimate_group
                and clusters.cluster_id = cluster_cross_y.cluster_id
                and regressors.regressor_index = cluster_cross_y.regressor_index
        left join {{ prefix }}_cluster_fitted as cluster_fitted
            on
                clusters.estimate_group = cluster_fitted.estimate_group
                and clusters.cluster_id = cluster_fitted.cluster_id
                and regressors.regressor_index = cluster_fitted.regressor_index

    ),

    {{ prefix }}_meat as (

        select
            row_scores.estimate_group,
            row_scores.regressor_index as row_index,
            column_scores.regressor_index as column_index,
            sum(row_scores.score * column_scores.score) as cell_value
        from {{ prefix }}_scores as row_scores
        inner join {{ prefix }}_scores as column_scores
            on
                row_scores.estimate_group = column_scores.estimate_group
                and row_scores.cluster_id = column_scores.cluster_id
        group by
            row_scores.estimate_group,
            row_scores.regressor_index,
            column_scores.regressor_index

    ),

    {{ prefix }}_bread_meat as (

        select
            bread.group_key,
            bread.row_index,
            meat.column_index,
            sum(bread.cell_value * meat.cell_value) as cell_value
        from {{ prefix }}_bread_inverse as bread
        inner join {{ prefix }}_meat as meat
            on
                bread.group_key = meat.estimate_group
                and bread.column_index = meat.row_index
        group by
            bread.group_key,
            bread.row_index,
            meat.column_index

    ),

    {{ prefix }}_sizes as (

        select
            stack_units.estimate_group,
            cast(count(*) as {{ dbt.type_bigint() }}) as stacks,
            cast(sum(stack_units.units) as {{ dbt.type_bigint() }}) as stack_units,
            cast(sum(stack_means.observations) as {{ dbt.type_bigint() }}) as observations,
            cast(sum(stack_units.units + stack_days.days - 1) as {{ dbt.type_bigint() }}) as fixed_effects
        from {{ prefix }}_stack_units as stack_units
        inner join {{ prefix }}_stack_means as stack_means
            on
                stack_units.estimate_group = stack_means.estimate_group
                and stack_units.stack_id = stack_means.stack_id
        inner join {{ prefix }}_stack_days as stack_days
            on
                stack_units.estimate_group = stack_days.estimate_group
                and stack_units.stack_id = stack_days.stack_id
        group by stack_units.estimate_group

    ),

    {{ prefix }}_dimensions as (

        select
            sizes.estimate_group,
            sizes.stacks,
            sizes.stack_units,
            sizes.observations,
            cluster_counts.clusters,
            sizes.fixed_effects + supported.weeks as parameters
        from {{ prefix }}_sizes as sizes
        inner join (
            select
                estimate_group,
                cast(count(*) as {{ dbt.type_bigint() }}) as clusters
            from {{ prefix }}_clusters
            group by estimate_group
        ) as cluster_counts
            on sizes.estimate_group = cluster_counts.estimate_group
        inner join (
            select
                estimate_group,
                cast(sum(case when treated_observations > 0 then 1 else 0 end) as {{ dbt.type_bigint() }}) as weeks
            from {{ prefix }}_support
            group by estimate_group
        ) as supported
            on sizes.estimate_group = supported.estimate_group

    ),

    -- the sandwich with statsmodels' small-sample factor; 0 for weeks without data
    {{ prefix }}_covariance as (

        select
            bread_meat.group_key,
            bread_meat.row_index,
            bread.column_index,
            sum(bread_meat.cell_value * bread.cell_value)
            * {{ cluster_robust_factor('max(dimensions.clusters)', 'max(dimensions.observations)', 'max(dimensions.parameters)') }}
                as covariance
        from {{ prefix }}_bread_meat as bread_meat
        inner join {{ prefix }}_bread_inverse as bread
            on
                bread_meat.group_key = bread.group_key
                and bread_meat.column_index = bread.row_index
        inner join {{ prefix }}_dimensions as dimensions
            on bread_meat.group_key = dimensions.estimate_group
        group by
            bread_meat.group_key,
            bread_meat.row_index,
            bread.column_index

    ),

    {{ prefix }}_estimated as (

        select
            support.estimate_group,
            support.event_week,
            support.regressor_index,
            case when support.treated_observations > 0 then coefficients.estimate end as estimate,
            case when support.treated_observations > 0 then sqrt(covariance.covariance) end as std_error,
            cast(support.treated_observations as {{ dbt.type_bigint() }}) as treated_observations,
            dimensions.observations,
            dimensions.clusters,
            dimensions.stacks,
            dimensions.stack_units,
            dimensions.parameters
        from {{ prefix }}_support as support
        inner join {{ prefix }}_coefficients as coefficients
            on
                support.estimate_group = coefficients.group_key
                and support.regressor_index = coefficients.regressor_index
        inner join {{ prefix }}_covariance as covariance
            on
                support.estimate_group = covariance.group_key
                and support.regressor_index = covariance.row_index
                and support.regressor_index = covariance.column_index
        inner join {{ prefix }}_dimensions as dimensions
            on support.estimate_group = dimensions.estimate_group

    )

{% endmacro %}
