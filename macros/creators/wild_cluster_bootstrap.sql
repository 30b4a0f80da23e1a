{#
    Restricted wild cluster bootstrap (WCR) of the stacked DiD coefficient, by
    full enumeration of the Rademacher sign vectors, in SQL.

    Two macros, so that an engine without CTE reuse (Spark inlines every
    reference) never plans the demeaning and the enumeration in one query:
    wild_cluster_bootstrap_matrix(did_prefix, prefix) emits CTEs named
    <prefix>_* after stacked_did_estimate(panel, did_prefix), ending in
    <prefix>_cluster_matrix (one row per estimate_group x estimate_scope x
    cluster pair, scopes with at most max_clusters clusters); a model
    stores it (int_rollout_did_bootstrap_matrix).
    wild_cluster_bootstrap_p_values(matrix, prefix) reads that relation and
    emits <prefix>_* ending in <prefix>_p_values: sign_vectors (2^G) and the
    bootstrap p-value per estimate_group x estimate_scope.

    Cameron, Gelbach and Miller (2008); the algebra follows Roodman,
    MacKinnon, Nielsen and Webb (2019, "Fast and wild"). Under H0: delta = 0
    the restricted model has the fixed effects only, so its residuals are
    the two-way demeaned outcome, e~ = y~. Bootstrap sample v (one sign
    v_g = +-1 per cluster): y* = fixed-effect fit + v_g e~. Re-estimating
    the full model on y*, with d~ the demeaned treatment, A = sum d~^2,
    S_g = sum over cluster g of d~ e~ and D_g = sum over g of d~^2:
        delta*(v) = sum_g v_g S_g / A,
        score_g(v) = sum_h C_gh v_h - delta*(v) D_g,
    where C_gh = sum over g of d~ * M(e~ on cluster h, 0 elsewhere), M the
    two-way demeaning. Units are nested in clusters and e~ has zero unit and
    stack means, so M leaves e~ on h less its period mean within the stack:
        C_gh = [g = h] S_g - sum_(s, t) a_gst b_hst / N_s,
        a_gst = sum over g's units of d~_t, b_hst = sum over h's units of e~_t,
    N_s the stack's units. t*(v) = delta*(v) / se*(v) with the same
    cluster-robust variance as the estimate, so the small-sample factor
    cancels; v = (1, ..., 1) reproduces the sample's t. The symmetric
    p-value is the share of the 2^G vectors with |t*| >= |t| (ties
    included, so the p-value is at least 2 / 2^G: v and -v give t and -t).

    Sign vector b (0 .. 2^G - 1) gives cluster c (0-based rank of its
    cluster_id) the sign -1 when bit c of b is set: floor(b / 2^c) % 2,
    plain arithmetic that DuckDB and Spark evaluate alike. b is built from two
    half vectors of at most 6 bits each (a 64-row spine), so max_clusters is
    12 and a scope needs at least 2 clusters.
    pooled_only: bootstrap the 'all' scope alone (the size check's replays).
#}
{% macro wild_cluster_bootstrap_matrix(did_prefix, prefix, max_clusters=12, pooled_only=false) %}
    {%- if max_clusters > 12 %}
        {{ exceptions.raise_compiler_error('wild_cluster_bootstrap_matrix enumerates at most 2^12 sign vectors') }}
    {%- endif %}

    -- a_gst and b_hst: sums over a cluster's units in a stack-period
    {{ prefix }}_period_sums as (

        select
            demeaned.estimate_group,
            demeaned.stack_id,
            demeaned.period,
            demeaned.cluster_id,
            sum(demeaned.d_tilde) as d_tilde_sum,
            sum(demeaned.y_tilde) as y_tilde_sum
        from {{ did_prefix }}_demeaned as demeaned
        group by
            demeaned.estimate_group,
            demeaned.stack_id,
            demeaned.period,
            demeaned.cluster_id

    ),

    {{ prefix }}_scoped_period_sums as (

        select
            period_sums.estimate_group,
            'all' as estimate_scope,
            period_sums.stack_id,
            period_sums.period,
            period_sums.cluster_id,
            period_sums.d_tilde_sum,
            period_sums.y_tilde_sum,
            stack_sizes.units
        from {{ prefix }}_period_sums as period_sums
        inner join {{ did_prefix }}_stack_sizes as stack_sizes
            on
                period_sums.estimate_group = stack_sizes.estimate_group
                and period_sums.stack_id = stack_sizes.stack_id

        union all

        select
            period_sums.estimate_group,
            cast(period_sums.stack_id as {{ dbt.type_string() }}) as estimate_scope,
            period_sums.stack_id,
            period_sums.period,
            period_sums.cluster_id,
            period_sums.d_tilde_sum,
            period_sums.y_tilde_sum,
            stack_sizes.units
        from {{ prefix }}_period_sums as period_sums
        inner join {{ did_prefix }}_stack_sizes as stack_sizes
            on
                period_sums.estimate_group = stack_sizes.estimate_group
                and period_sums.stack_id = stack_sizes.stack_id

    ),

    -- S_g and D_g per scope, the cluster's bit position, and G. The CTEs read
    -- several times below are computed once on DuckDB (Spark inlines them)
    {{ prefix }}_clusters as {{ materialized() }} (

        select
            estimate_group,
            estimate_scope,
            cluster_id,
            d_tilde_y_tilde as cross_y,
            d_tilde_ss as cross_d,
            row_number() over (
                partition by estimate_group, estimate_scope order by cluster_id asc nulls last
            ) - 1 as cluster_bit,
            count(*) over (partition by estimate_group, estimate_scope) as clusters,
            floor((count(*) over (partition by estimate_group, estimate_scope) + 1) / 2) as split_bit
        from {{ did_prefix }}_scoped_sums
        {%- if pooled_only %}
        where estimate_scope = 'all'
        {%- endif %}

    ),

    {{ prefix }}_cluster_pairs as (

        select
            row_clusters.estimate_group,
            row_clusters.estimate_scope,
            row_clusters.cluster_bit as row_bit,
            column_clusters.cluster_bit as column_bit,
            row_clusters.cross_d as row_cross_d
        from {{ prefix }}_clusters as row_clusters
        inner join {{ prefix }}_clusters as column_clusters
            on
                row_clusters.estimate_group = column_clusters.estimate_group
                and row_clusters.estimate_scope = column_clusters.estimate_scope
        where row_clusters.clusters <= {{ max_clusters }}

    ),

    -- sum over (s, t) of a_gst b_hst / N_s
    {{ prefix }}_period_products as (

        select
            row_sums.estimate_group,
            row_sums.estimate_scope,
            row_clusters.cluster_bit as row_bit,
            column_clusters.cluster_bit as column_bit,
            sum(row_sums.d_tilde_sum * column_sums.y_tilde_sum / row_sums.units) as period_product
        from {{ prefix }}_scoped_period_sums as row_sums
        inner join {{ prefix }}_scoped_period_sums as column_sums
            on
                row_sums.estimate_group = column_sums.estimate_group
                and row_sums.estimate_scope = column_sums.estimate_scope
                and row_sums.stack_id = column_sums.stack_id
                and row_sums.period = column_sums.period
        inner join {{ prefix }}_clusters as row_clusters
            on
                row_sums.estimate_group = row_clusters.estimate_group
                and row_sums.estimate_scope = row_clusters.estimate_scope
                and row_sums.cluster_id = row_clusters.cluster_id
        inner join {{ prefix }}_clusters as column_clusters
            on
                column_sums.estimate_group = column_clusters.estimate_group
                and column_sums.estimate_scope = column_clusters.estimate_scope
                and column_sums.cluster_id = column_clusters.cluster_id
        where row_clusters.clusters <= {{ max_clusters }}
        group by
            row_sums.estimate_group,
            row_sums.estimate_scope,
            row_clusters.cluster_bit,
            column_clusters.cluster_bit

    ),

    {{ prefix }}_cluster_matrix as (

        select
            pairs.estimate_group,
            pairs.estimate_scope,
            pairs.row_bit,
            pairs.column_bit,
            pairs.row_cross_d,
            clusters.cross_y as row_cross_y,
            clusters.clusters,
            clusters.split_bit,
            case when pairs.row_bit = pairs.column_bit then clusters.cross_y else 0 end
            - coalesce(products.period_product, 0) as cell_value
        from {{ prefix }}_cluster_pairs as pairs
        inner join {{ prefix }}_clusters as clusters
            on
                pairs.estimate_group = clusters.estimate_group
                and pairs.estimate_scope = clusters.estimate_scope
                and pairs.row_bit = clusters.cluster_bit
        left join {{ prefix }}_period_products as products
            on
                pairs.estimate_group = products.estimate_group
                and pairs.estimate_scope = products.estimate_scope
                and pairs.row_bit = products.row_bit
                and pairs.column_bit = products.column_bit

    )

{% endmacro %}


{#
    The enumeration: from a relation or CTE `matrix` with the columns of
    wild_cluster_bootstrap_matrix's <prefix>_cluster_matrix, CTE definitions
    named <prefix>_* ending in <prefix>_p_values (sign_vectors, p_value per
    estimate_group x estimate_scope).
#}
{% macro wild_cluster_bootstrap_p_values(matrix, prefix, max_clusters=12) %}
    {%- if max_clusters > 12 %}
        {{ exceptions.raise_compiler_error('wild_cluster_bootstrap_p_values enumerates at most 2^12 sign vectors') }}
    {%- endif %}

    -- S_g, D_g, the cluster's bit, G and the split bit: the matrix's diagonal
    {{ prefix }}_clusters as {{ materialized() }} (

        select
            estimate_group,
            estimate_scope,
            row_bit as cluster_bit,
            row_cross_y as cross_y,
            row_cross_d as cross_d,
            clusters,
            split_bit
        from {{ matrix }}
        where row_bit = column_bit

    ),

    -- the sign vectors in two halves: bits below split (about G / 2) and the
    -- rest, at most 64 half vectors each; b = low + 2^split * high, so a
    -- cluster's sum_h C_gh v_h is its low half's sum plus its high half's and
    -- the 2^G x G x G products shrink to 2 x 2^(G/2) x G x G plus 2^G x G sums
    {{ prefix }}_half_spine as (

        {% for vector in range(64) %}
        select {{ vector }} as half_vector
        {% if not loop.last %}union all{% endif %}
        {% endfor %}

    ),

    {{ prefix }}_half_signs as {{ materialized() }} (

        select
            clusters.estimate_group,
            clusters.estimate_scope,
            case when clusters.cluster_bit < clusters.split_bit then 'low' else 'high' end as half,
            spine.half_vector,
            clusters.cluster_bit,
            clusters.split_bit,
            1 - 2 * (
                floor(
                    spine.half_vector / power(
                        2,
                        clusters.cluster_bit
                        - case when clusters.cluster_bit < clusters.split_bit then 0 else clusters.split_bit end
                    )
                ) % 2
            ) as sign
        from {{ prefix }}_clusters as clusters
        inner join {{ prefix }}_half_spine as spine
            on spine.half_vector < power(
                2,
                case
                    when clusters.cluster_bit < clusters.split_bit then clusters.split_bit
                    else clusters.clusters - clusters.split_bit
                end
            )
        where clusters.clusters between 2 and {{ max_clusters }}

    ),

    -- per half vector: its part of sum_g v_g S_g, and of sum_h C_gh v_h for every g
    {{ prefix }}_half_numerators as (

        select
            signs.estimate_group,
            signs.estimate_scope,
            signs.half,
            signs.half_vector,
            max(signs.split_bit) as split_bit,
            sum(signs.sign * clusters.cross_y) as numerator
        from {{ prefix }}_half_signs as signs
        inner join {{ prefix }}_clusters as clusters
            on
                signs.estimate_group = clusters.estimate_group
                and signs.estimate_scope = clusters.estimate_scope
                and signs.cluster_bit = clusters.cluster_bit
        group by
            signs.estimate_group,
            signs.estimate_scope,
            signs.half,
            signs.half_vector

    ),

    {{ prefix }}_half_projected as (

        select
            matrix.estimate_group,
            matrix.estimate_scope,
            signs.half,
            signs.half_vector,
            matrix.row_bit,
            max(matrix.row_cross_d) as row_cross_d,
            sum(matrix.cell_value * signs.sign) as projected
        from {{ matrix }} as matrix
        inner join {{ prefix }}_half_signs as signs
            on
                matrix.estimate_group = signs.estimate_group
                and matrix.estimate_scope = signs.estimate_scope
                and matrix.column_bit = signs.cluster_bit
        group by
            matrix.estimate_group,
            matrix.estimate_scope,
            signs.half,
            signs.half_vector,
            matrix.row_bit

    ),

    {{ prefix }}_halves as (

        select
            projected.estimate_group,
            projected.estimate_scope,
            projected.half,
            projected.half_vector,
            numerators.split_bit,
            numerators.numerator,
            projected.row_bit,
            projected.row_cross_d,
            projected.projected
        from {{ prefix }}_half_projected as projected
        inner join {{ prefix }}_half_numerators as numerators
            on
                projected.estimate_group = numerators.estimate_group
                and projected.estimate_scope = numerators.estimate_scope
                and projected.half = numerators.half
                and projected.half_vector = numerators.half_vector

    ),

    {{ prefix }}_cross_d_totals as (

        select
            estimate_group,
            estimate_scope,
            sum(cross_d) as cross_d_total
        from {{ prefix }}_clusters
        group by
            estimate_group,
            estimate_scope

    ),

    -- t*(v) up to the small-sample factor, which cancels against the sample's t:
    -- delta*(v) A = numerator, score_g = projected_g - numerator / A * D_g
    {{ prefix }}_t_statistics as {{ materialized() }} (

        select
            low.estimate_group,
            low.estimate_scope,
            cast(low.half_vector + power(2, low.split_bit) * high.half_vector as {{ dbt.type_bigint() }}) as sign_vector,
            max(low.numerator + high.numerator) / nullif(sqrt(sum(
                (low.projected + high.projected
                    - (low.numerator + high.numerator) / totals.cross_d_total * low.row_cross_d)
                * (low.projected + high.projected
                    - (low.numerator + high.numerator) / totals.cross_d_total * low.row_cross_d)
            )), 0) as t_statistic
        from {{ prefix }}_halves as low
        inner join {{ prefix }}_halves as high
            on
                low.estimate_group = high.estimate_group
                and low.estimate_scope = high.estimate_scope
                and low.row_bit = high.row_bit
                and high.half = 'high'
        inner join {{ prefix }}_cross_d_totals as totals
            on
                low.estimate_group = totals.estimate_group
                and low.estimate_scope = totals.estimate_scope
        where low.half = 'low'
        group by
            low.estimate_group,
            low.estimate_scope,
            low.half_vector,
            high.half_vector,
            low.split_bit

    ),

    -- |t*| >= |t| with a relative tolerance: v = 1 and v = -1 reproduce |t| up to rounding
    {{ prefix }}_p_values as (

        select
            bootstrap.estimate_group,
            bootstrap.estimate_scope,
            cast(count(*) as {{ dbt.type_bigint() }}) as sign_vectors,
            avg(
                case when abs(bootstrap.t_statistic) >= abs(sample.t_statistic) * (1 - 1.0e-9) then 1.0e0 else 0.0e0 end
            ) as p_value
        from {{ prefix }}_t_statistics as bootstrap
        inner join {{ prefix }}_t_statistics as sample
            on
                bootstrap.estimate_group = sample.estimate_group
                and bootstrap.estimate_scope = sample.estimate_scope
                and sample.sign_vector = 0
        group by
            bootstrap.estimate_group,
            bootstrap.estimate_scope

    )

{% endmacro %}
