{#
    Stacked two-way fixed effects difference-in-differences, in SQL.

    Emits CTE definitions to place inside a model's `with` list, named
    <prefix>_unit_means, <prefix>_period_means, <prefix>_stack_means,
    <prefix>_demeaned, <prefix>_stack_cluster_sums, <prefix>_stack_sizes, <prefix>_scoped_sums,
    <prefix>_scoped_sizes, <prefix>_coefficient, <prefix>_meat and
    <prefix>_estimated; the last has one row per estimate_group x
    estimate_scope, where the scope is 'all' (every stack pooled) or one
    stack (its stack_id as a string). `panel` is a CTE with the columns
    estimate_group (one estimate per value and scope), stack_id, unit_id,
    period, cluster_id, y, d. Within every (estimate_group, stack_id) the
    panel must be balanced (every unit on every period), so two-way demeaning
    is exact:
        y~ = y - mean_unit(y) - mean_period(y) + mean_stack(y), same for d,
    and by Frisch-Waugh-Lovell the OLS coefficient of d in
        y = stack-unit FE + stack-period FE + delta * d + e
    is delta = sum(d~ y~) / sum(d~^2), with residuals e = y~ - delta * d~.
    Standard error: cluster-robust sandwich by cluster_id,
        V = sum_g (sum_{i in g} d~ e)^2 / (sum d~^2)^2 * G/(G-1) * (N-1)/(N-K),
    the small-sample factor of statsmodels' cov_type='cluster', with
    K = parameters of the dummy regression = sum over stacks of
    (units + periods - 1) + 1.

    Demeaning is within a stack, so a row's d~ and y~ are the same whether
    the stack is estimated alone or pooled with the others, and a cluster's
    score is sum_{i in g} d~ e = sum_g(d~ y~) - delta * sum_g(d~^2): the
    panel is demeaned once and reduced to sums by stack x cluster, from
    which both scopes' estimates and errors follow without a second pass.
#}
{% macro stacked_did_estimate(panel, prefix) %}

    -- the three means by group by and join, not by window: three windows
    -- partitioned three ways sort the panel three times (docs/benchmarks.md,
    -- Design measurements)
    {% for level, keys in [('unit', ['unit_id']), ('period', ['period']), ('stack', [])] -%}
    {{ prefix }}_{{ level }}_means as (

        select
            estimate_group,
            stack_id,
            {%- for key in keys %}
            {{ key }},
            {%- endfor %}
            avg(y) as y_mean,
            avg(d) as d_mean
        from {{ panel }}
        group by
            estimate_group,
            stack_id{% for key in keys %},
            {{ key }}{% endfor %}

    ),

    {% endfor -%}
    {{ prefix }}_demeaned as (

        select
            panel.estimate_group,
            panel.stack_id,
            panel.period,
            panel.cluster_id,
            panel.d,
            panel.y - unit_means.y_mean - period_means.y_mean + stack_means.y_mean as y_tilde,
            panel.d - unit_means.d_mean - period_means.d_mean + stack_means.d_mean as d_tilde
        from {{ panel }} as panel
        inner join {{ prefix }}_unit_means as unit_means
            on panel.estimate_group = unit_means.estimate_group
                and panel.stack_id = unit_means.stack_id
                and panel.unit_id = unit_means.unit_id
        inner join {{ prefix }}_period_means as period_means
            on panel.estimate_group = period_means.estimate_group
                and panel.stack_id = period_means.stack_id
                and panel.period = period_means.period
        inner join {{ prefix }}_stack_means as stack_means
            on panel.estimate_group = stack_means.estimate_group
                and panel.stack_id = stack_means.stack_id

    ),

    {{ prefix }}_stack_cluster_sums as (

        select
            estimate_group,
            stack_id,
            cluster_id,
            sum(d_tilde * y_tilde) as d_tilde_y_tilde,
            sum(d_tilde * d_tilde) as d_tilde_ss,
            count(*) as observations,
            sum(d) as treated_observations
        from {{ prefix }}_demeaned
        group by
            estimate_group,
            stack_id,
            cluster_id

    ),

    -- a stack's units and periods: the rows of its unit and period means
    {{ prefix }}_stack_sizes as (

        select
            estimate_group,
            stack_id,
            sum(is_unit) as units,
            sum(1 - is_unit) as periods
        from (
            select
                estimate_group,
                stack_id,
                1 as is_unit
            from {{ prefix }}_unit_means
            union all
            select
                estimate_group,
                stack_id,
                0 as is_unit
            from {{ prefix }}_period_means
        ) as means
        group by
            estimate_group,
            stack_id

    ),

    -- the sums by cluster for each scope: every stack pooled, and each stack
    {{ prefix }}_scoped_sums as (

        select
            estimate_group,
            'all' as estimate_scope,
            cluster_id,
            sum(d_tilde_y_tilde) as d_tilde_y_tilde,
            sum(d_tilde_ss) as d_tilde_ss,
            sum(observations) as observations,
            sum(treated_observations) as treated_observations
        from {{ prefix }}_stack_cluster_sums
        group by
            estimate_group,
            cluster_id

        union all

        select
            estimate_group,
            cast(stack_id as {{ dbt.type_string() }}) as estimate_scope,
            cluster_id,
            d_tilde_y_tilde,
            d_tilde_ss,
            observations,
            treated_observations
        from {{ prefix }}_stack_cluster_sums

    ),

    {{ prefix }}_scoped_sizes as (

        select
            estimate_group,
            'all' as estimate_scope,
            cast(count(*) as {{ dbt.type_bigint() }}) as stacks,
            cast(sum(units) as {{ dbt.type_bigint() }}) as stack_units,
            cast(sum(units + periods - 1) + 1 as {{ dbt.type_bigint() }}) as parameters
        from {{ prefix }}_stack_sizes
        group by estimate_group

        union all

        select
            estimate_group,
            cast(stack_id as {{ dbt.type_string() }}) as estimate_scope,
            cast(1 as {{ dbt.type_bigint() }}) as stacks,
            cast(units as {{ dbt.type_bigint() }}) as stack_units,
            cast(units + periods as {{ dbt.type_bigint() }}) as parameters
        from {{ prefix }}_stack_sizes

    ),

    {{ prefix }}_coefficient as (

        select
            estimate_group,
            estimate_scope,
            sum(d_tilde_y_tilde) / nullif(sum(d_tilde_ss), 0) as estimate,
            sum(d_tilde_ss) as d_tilde_ss,
            cast(sum(observations) as {{ dbt.type_bigint() }}) as observations,
            cast(sum(treated_observations) as {{ dbt.type_bigint() }}) as treated_observations
        from {{ prefix }}_scoped_sums
        group by
            estimate_group,
            estimate_scope

    ),

    -- a cluster's score sum_g d~ (y~ - delta d~), from its two sums
    {{ prefix }}_meat as (

        select
            sums.estimate_group,
            sums.estimate_scope,
            cast(count(*) as {{ dbt.type_bigint() }}) as clusters,
            sum(
                (sums.d_tilde_y_tilde - co.estimate * sums.d_tilde_ss)
                * (sums.d_tilde_y_tilde - co.estimate * sums.d_tilde_ss)
            ) as score_ss
        from {{ prefix }}_scoped_sums as sums
        inner join {{ prefix }}_coefficient as co
            on sums.estimate_group = co.estimate_group
                and sums.estimate_scope = co.estimate_scope
        group by
            sums.estimate_group,
            sums.estimate_scope

    ),

    {{ prefix }}_estimated as (

        select
            co.estimate_group,
            co.estimate_scope,
            co.estimate,
            sqrt(
                me.score_ss / nullif(co.d_tilde_ss * co.d_tilde_ss, 0)
                * {{ cluster_robust_factor('me.clusters', 'co.observations', 'sz.parameters') }}
            ) as std_error,
            co.observations,
            co.treated_observations,
            me.clusters,
            sz.stacks,
            sz.stack_units,
            sz.parameters
        from {{ prefix }}_coefficient as co
        inner join {{ prefix }}_meat as me
            on co.estimate_group = me.estimate_group
                and co.estimate_scope = me.estimate_scope
        inner join {{ prefix }}_scoped_sizes as sz
            on co.estimate_group = sz.estimate_group
                and co.estimate_scope = sz.estimate_scope

    )

{% endmacro %}
