{#
    Stacked two-way fixed effects difference-in-differences, in SQL.

    Emits CTE definitions to place inside a model's `with` list, named
    <prefix>_unit_means, <prefix>_period_means, <prefix>_stack_means,
    <prefix>_demeaned, <prefix>_coefficient, <prefix>_sizes, <prefix>_params,
    <prefix>_scores, <prefix>_meat and <prefix>_estimated; the last has one
    row per estimate_group. `panel` is a CTE with the columns estimate_group
    (one estimate per value), stack_id, unit_id, period, cluster_id, y, d.
    Within every (estimate_group, stack_id) the panel must be balanced (every
    unit on every period), so two-way demeaning is exact:
        y~ = y - mean_unit(y) - mean_period(y) + mean_stack(y), same for d,
    and by Frisch-Waugh-Lovell the OLS coefficient of d in
        y = stack-unit FE + stack-period FE + delta * d + e
    is delta = sum(d~ y~) / sum(d~^2), with residuals e = y~ - delta * d~.
    Standard error: cluster-robust sandwich by cluster_id,
        V = sum_g (sum_{i in g} d~ e)^2 / (sum d~^2)^2 * G/(G-1) * (N-1)/(N-K),
    the small-sample factor of statsmodels' cov_type='cluster', with
    K = parameters of the dummy regression = sum over stacks of
    (units + periods - 1) + 1.
#}
{% macro stacked_did_estimate(panel, prefix) %}

    -- the three means by group by and join, not by window: three windows
    -- partitioned three ways sorted the panel three times (24.6M rows at
    -- 100M events: 24 s for the model, most of it in the windows)
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
            panel.unit_id,
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

    {{ prefix }}_coefficient as (

        select
            estimate_group,
            sum(d_tilde * y_tilde) / nullif(sum(d_tilde * d_tilde), 0) as estimate,
            sum(d_tilde * d_tilde) as d_tilde_ss,
            cast(count(*) as {{ dbt.type_bigint() }}) as observations,
            cast(sum(d) as {{ dbt.type_bigint() }}) as treated_observations
        from {{ prefix }}_demeaned
        group by estimate_group

    ),

    {{ prefix }}_sizes as (

        select
            estimate_group,
            stack_id,
            count(distinct unit_id) as units,
            count(distinct period) as periods
        from {{ panel }}
        group by
            estimate_group,
            stack_id

    ),

    {{ prefix }}_params as (

        select
            estimate_group,
            cast(count(*) as {{ dbt.type_bigint() }}) as stacks,
            cast(sum(units) as {{ dbt.type_bigint() }}) as stack_units,
            cast(sum(units + periods - 1) + 1 as {{ dbt.type_bigint() }}) as parameters
        from {{ prefix }}_sizes
        group by estimate_group

    ),

    {{ prefix }}_scores as (

        select
            dm.estimate_group,
            dm.cluster_id,
            sum(dm.d_tilde * (dm.y_tilde - co.estimate * dm.d_tilde)) as score
        from {{ prefix }}_demeaned as dm
        inner join {{ prefix }}_coefficient as co
            on dm.estimate_group = co.estimate_group
        group by
            dm.estimate_group,
            dm.cluster_id

    ),

    {{ prefix }}_meat as (

        select
            estimate_group,
            cast(count(*) as {{ dbt.type_bigint() }}) as clusters,
            sum(score * score) as score_ss
        from {{ prefix }}_scores
        group by estimate_group

    ),

    {{ prefix }}_estimated as (

        select
            co.estimate_group,
            co.estimate,
            sqrt(
                me.score_ss / nullif(co.d_tilde_ss * co.d_tilde_ss, 0)
                * me.clusters / nullif(me.clusters - 1, 0)
                * (co.observations - 1) / nullif(co.observations - pa.parameters, 0)
            ) as std_error,
            co.observations,
            co.treated_observations,
            me.clusters,
            pa.stacks,
            pa.stack_units,
            pa.parameters
        from {{ prefix }}_coefficient as co
        inner join {{ prefix }}_meat as me
            on co.estimate_group = me.estimate_group
        inner join {{ prefix }}_params as pa
            on co.estimate_group = pa.estimate_group

    )

{% endmacro %}
