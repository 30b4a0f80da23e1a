{#
    Restricted wild cluster bootstrap (WCR) of the event study's joint
    pre-trend Wald test, by full enumeration of the Rademacher sign vectors,
    in SQL. The Wald statistic's chi-square p-value needs the pre-launch
    weeks' q x q covariance to be well estimated; from 12 country clusters it
    is not, and the test over-rejects. The bootstrap redraws the statistic
    with its own noisy covariance, so the two noises cancel (Cameron, Gelbach
    and Miller 2008; the multi-restriction Wald of Roodman, MacKinnon,
    Nielsen and Webb 2019, "Fast and wild", section 3).

    Two macros, as for the DiD's bootstrap (wild_cluster_bootstrap_matrix):
    event_study_wild_bootstrap_matrix(iw_prefix, restricted_prefix, prefix,
    test_size) emits CTEs named <prefix>_* ending in <prefix>_cluster_matrix,
    which a model stores (int_rollout_event_study_bootstrap_matrix);
    wild_bootstrap_wald_p_values(matrix, prefix, size) reads it and emits
    <prefix>_* ending in <prefix>_p_values (sign_vectors, p_value per
    estimate_group).

    Inputs: interaction_weighted_event_study(panel, iw_prefix, event_weeks)
    and the restricted fit stacked_event_study_estimate(<iw_prefix>_cohort_panel,
    restricted_prefix, post-launch weeks), both in the same `with` list. The
    tested weeks are the first test_size of event_weeks (the pre-launch ones).

    H0: no cohort's treated creators drift from its controls before launch,
    so the restricted model of cohort s has the post-launch dummies only; its
    residuals e~ and fitted values give y* = fit + v_g e~ for the sign vector
    v (one sign per country). All of it is linear in v. With X~ cohort s's
    demeaned dummies, A_s = X~'X~, p_s its treated share, N_s its creators,
    per cluster h and week k:
        F_hk = sum over h's units of (treated - p_s) * (sum of e~ over week k),
        E_hk = sum over h's rows in week k of e~,
        u_h = A_s^-1 F_h  (cluster h's push on the cohort's coefficients),
    the bootstrap coefficient is b*_s = b_restricted + sum_h v_h u_h, and
    cluster g's bootstrap score is sum_h v_h C_gh with
        C_gh = [g = h] F_g - (sum over g's units of (treated - p_s)) / N_s * E_h
               - X~_g'X~_g u_h,
    the middle term the stack-day demeaning of v e~ (units are nested in
    countries and e~ has zero unit means, so only day means cross clusters;
    the sum of e~ over a week replaces the day sums because X~ is constant
    within a week). Through the interaction weights w_sk the week-k estimate
    and cluster g's influence on it are
        b*_k = sum_h v_h U_hk,        U_hk = sum_s w_sk u_shk,
        psi*_gk = sum_h v_h Q_ghk,    Q_ghk = sum_s w_sk (A_s^-1 C_s,gh)_k.
    W*(v) = b*' (sum_g psi*_g psi*_g')^-1 b* over the tested weeks; the
    small-sample factor cancels against the sample's W, which is W*(1, ..., 1).
    The p-value is the share of the 2^G vectors with W* >= W (ties included:
    v and -v give the same W*, so p >= 2 / 2^G).
#}
{% macro event_study_wild_bootstrap_matrix(iw_prefix, restricted_prefix, prefix, test_size, max_clusters=12) %}
    {%- if max_clusters > 12 %}
        {{ exceptions.raise_compiler_error('event_study_wild_bootstrap_matrix enumerates at most 2^12 sign vectors') }}
    {%- endif %}

    -- the restricted fit per cohort: b_r by event week and its mean over the stack's days
    {{ prefix }}_restricted_weeks as (

        select
            coefficients.group_key as cohort_group,
            regressors.event_week,
            coefficients.estimate,
            stack_weeks.days,
            stack_weeks.stack_days
        from {{ restricted_prefix }}_coefficients as coefficients
        inner join {{ restricted_prefix }}_regressors as regressors
            on coefficients.regressor_index = regressors.regressor_index
        inner join {{ restricted_prefix }}_stack_weeks as stack_weeks
            on
                coefficients.group_key = stack_weeks.estimate_group
                and coefficients.regressor_index = stack_weeks.regressor_index

    ),

    {{ prefix }}_restricted_means as (

        select
            cohort_group,
            sum(estimate * days / stack_days) as mean_effect
        from {{ prefix }}_restricted_weeks
        group by cohort_group

    ),

    -- the restricted fit summed over week k's days is (treated - p_s) * fitted_sum
    {{ prefix }}_restricted_fit as (

        select
            stack_weeks.estimate_group as cohort_group,
            stack_weeks.regressor_index,
            stack_weeks.days * (coalesce(restricted_weeks.estimate, 0) - coalesce(means.mean_effect, 0)) as fitted_sum
        from {{ iw_prefix }}_cohort_stack_weeks as stack_weeks
        inner join {{ iw_prefix }}_cohort_regressors as regressors
            on stack_weeks.regressor_index = regressors.regressor_index
        left join {{ prefix }}_restricted_weeks as restricted_weeks
            on
                stack_weeks.estimate_group = restricted_weeks.cohort_group
                and regressors.event_week = restricted_weeks.event_week
        left join {{ prefix }}_restricted_means as means
            on stack_weeks.estimate_group = means.cohort_group

    ),

    -- F_hk and E_hk of the restricted residuals
    {{ prefix }}_residual_sums as (

        select
            units.estimate_group as cohort_group,
            units.cluster_id,
            fit.regressor_index,
            coalesce(cross_y.cross_y, 0) - units.treated_ss * fit.fitted_sum as weighted_residual_sum,
            coalesce(cross_y.y_tilde_sum, 0) - units.treated_deviation * fit.fitted_sum as residual_sum
        from {{ iw_prefix }}_cohort_cluster_units as units
        inner join {{ prefix }}_restricted_fit as fit
            on units.estimate_group = fit.cohort_group
        left join {{ iw_prefix }}_cohort_cluster_cross_y as cross_y
            on
                units.estimate_group = cross_y.estimate_group
                and units.cluster_id = cross_y.cluster_id
                and fit.regressor_index = cross_y.regressor_index

    ),

    -- u_h = A_s^-1 F_h, and A_s^-1 E_h
    {{ prefix }}_cohort_responses as {{ materialized() }} (

        select
            bread.group_key as cohort_group,
            sums.cluster_id,
            bread.row_index as regressor_index,
            sum(bread.cell_value * sums.weighted_residual_sum) as coefficient_response,
            sum(bread.cell_value * sums.residual_sum) as period_response
        from {{ iw_prefix }}_cohort_bread_inverse as bread
        inner join {{ prefix }}_residual_sums as sums
            on
                bread.group_key = sums.cohort_group
                and bread.column_index = sums.regressor_index
        group by
            bread.group_key,
            sums.cluster_id,
            bread.row_index

    ),

    -- A_s^-1 X~_g'X~_g, its tested rows
    {{ prefix }}_cohort_leverage as (

        select
            bread.group_key as cohort_group,
            cluster_cross.cluster_id,
            bread.row_index,
            cluster_cross.column_index,
            sum(bread.cell_value * cluster_cross.cross_x) as cell_value
        from {{ iw_prefix }}_cohort_bread_inverse as bread
        inner join {{ iw_prefix }}_cohort_cluster_cross as cluster_cross
            on
                bread.group_key = cluster_cross.estimate_group
                and bread.column_index = cluster_cross.row_index
        where bread.row_index < {{ test_size }}
        group by
            bread.group_key,
            cluster_cross.cluster_id,
            bread.row_index,
            cluster_cross.column_index

    ),

    {{ prefix }}_cohort_leveraged as (

        select
            leverage.cohort_group,
            leverage.cluster_id as row_cluster,
            responses.cluster_id as column_cluster,
            leverage.row_index as regressor_index,
            sum(leverage.cell_value * responses.coefficient_response) as leveraged_response
        from {{ prefix }}_cohort_leverage as leverage
        inner join {{ prefix }}_cohort_responses as responses
            on
                leverage.cohort_group = responses.cohort_group
                and leverage.column_index = responses.regressor_index
        group by
            leverage.cohort_group,
            leverage.cluster_id,
            responses.cluster_id,
            leverage.row_index

    ),

    -- (A_s^-1 C_s,gh)_k for the cohort's cluster pairs and tested weeks
    {{ prefix }}_cohort_matrix as (

        select
            leveraged.cohort_group,
            leveraged.row_cluster,
            leveraged.column_cluster,
            leveraged.regressor_index,
            case
                when leveraged.row_cluster = leveraged.column_cluster then row_responses.coefficient_response
                else 0.0e0
            end
            - units.treated_deviation / stack_units.units * column_responses.period_response
            - leveraged.leveraged_response as cell_value
        from {{ prefix }}_cohort_leveraged as leveraged
        inner join {{ prefix }}_cohort_responses as row_responses
            on
                leveraged.cohort_group = row_responses.cohort_group
                and leveraged.row_cluster = row_responses.cluster_id
                and leveraged.regressor_index = row_responses.regressor_index
        inner join {{ prefix }}_cohort_responses as column_responses
            on
                leveraged.cohort_group = column_responses.cohort_group
                and leveraged.column_cluster = column_responses.cluster_id
                and leveraged.regressor_index = column_responses.regressor_index
        inner join {{ iw_prefix }}_cohort_cluster_units as units
            on
                leveraged.cohort_group = units.estimate_group
                and leveraged.row_cluster = units.cluster_id
        inner join {{ iw_prefix }}_cohort_stack_units as stack_units
            on leveraged.cohort_group = stack_units.estimate_group

    ),

    -- Q_ghk and U_hk: the cohorts combined by the interaction weights
    {{ prefix }}_weighted_matrix as (

        select
            weights.estimate_group,
            matrix.row_cluster,
            matrix.column_cluster,
            matrix.regressor_index,
            sum(weights.cohort_weight * matrix.cell_value) as cell_value
        from {{ prefix }}_cohort_matrix as matrix
        inner join {{ iw_prefix }}_weights as weights
            on
                matrix.cohort_group = weights.cohort_group
                and matrix.regressor_index = weights.regressor_index
        group by
            weights.estimate_group,
            matrix.row_cluster,
            matrix.column_cluster,
            matrix.regressor_index

    ),

    {{ prefix }}_weighted_responses as (

        select
            weights.estimate_group,
            responses.cluster_id,
            responses.regressor_index,
            sum(weights.cohort_weight * responses.coefficient_response) as coefficient_response
        from {{ prefix }}_cohort_responses as responses
        inner join {{ iw_prefix }}_weights as weights
            on
                responses.cohort_group = weights.cohort_group
                and responses.regressor_index = weights.regressor_index
        where responses.regressor_index < {{ test_size }}
        group by
            weights.estimate_group,
            responses.cluster_id,
            responses.regressor_index

    ),

    -- every country of the estimate group, numbered for the sign vectors' bits
    {{ prefix }}_clusters as {{ materialized() }} (

        select
            estimate_group,
            cluster_id,
            row_number() over (partition by estimate_group order by cluster_id asc nulls last) - 1 as cluster_bit,
            count(*) over (partition by estimate_group) as clusters
        from (
            select distinct
                cohorts.estimate_group,
                clusters.cluster_id
            from {{ iw_prefix }}_cohort_clusters as clusters
            inner join {{ iw_prefix }}_cohorts as cohorts
                on clusters.estimate_group = cohorts.cohort_group
        ) as group_clusters

    ),

    -- dense: every cluster pair x tested week, 0 where no cohort contributes
    {{ prefix }}_cluster_matrix as (

        select
            support.estimate_group,
            row_clusters.cluster_bit as row_bit,
            column_clusters.cluster_bit as column_bit,
            support.regressor_index as test_index,
            row_clusters.clusters,
            support.treated_observations > 0 as has_data,
            coalesce(matrix.cell_value, 0.0e0) as cell_value,
            coalesce(responses.coefficient_response, 0.0e0) as column_coefficient_response
        from {{ iw_prefix }}_support as support
        inner join {{ prefix }}_clusters as row_clusters
            on support.estimate_group = row_clusters.estimate_group
        inner join {{ prefix }}_clusters as column_clusters
            on support.estimate_group = column_clusters.estimate_group
        left join {{ prefix }}_weighted_matrix as matrix
            on
                support.estimate_group = matrix.estimate_group
                and row_clusters.cluster_id = matrix.row_cluster
                and column_clusters.cluster_id = matrix.column_cluster
                and support.regressor_index = matrix.regressor_index
        left join {{ prefix }}_weighted_responses as responses
            on
                support.estimate_group = responses.estimate_group
                and column_clusters.cluster_id = responses.cluster_id
                and support.regressor_index = responses.regressor_index
        where
            support.regressor_index < {{ test_size }}
            and row_clusters.clusters between 2 and {{ max_clusters }}

    )

{% endmacro %}


{#
    The enumeration: from a relation or CTE `matrix` with the columns of
    event_study_wild_bootstrap_matrix's <prefix>_cluster_matrix, CTE
    definitions named <prefix>_* ending in <prefix>_p_values
    (estimate_group, sign_vectors, wald_statistic, p_value). `size` is the
    number of tested weeks (compile-time, for the q x q inverse). Sign vector
    b gives the cluster with bit c the sign -1 when bit c of b is set.
#}
{% macro wild_bootstrap_wald_p_values(matrix, prefix, size, max_clusters=12) %}
    {%- if max_clusters > 12 %}
        {{ exceptions.raise_compiler_error('wild_bootstrap_wald_p_values enumerates at most 2^12 sign vectors') }}
    {%- endif %}

    {{ prefix }}_half_spine as (

        {% for vector in range(64) %}
        select {{ vector }} as half_vector
        {% if not loop.last %}union all{% endif %}
        {% endfor %}

    ),

    {{ prefix }}_clusters as (

        select distinct
            estimate_group,
            row_bit as cluster_bit,
            clusters
        from {{ matrix }}
        where row_bit = column_bit

    ),

    {{ prefix }}_signs as {{ materialized() }} (

        select
            clusters.estimate_group,
            low.half_vector + 64 * high.half_vector as sign_vector,
            clusters.cluster_bit,
            1 - 2 * (floor((low.half_vector + 64 * high.half_vector) / power(2, clusters.cluster_bit)) % 2) as sign
        from {{ prefix }}_clusters as clusters
        cross join {{ prefix }}_half_spine as low
        cross join {{ prefix }}_half_spine as high
        where low.half_vector + 64 * high.half_vector < power(2, clusters.clusters)

    ),

    -- psi*_gk = sum_h v_h Q_ghk
    {{ prefix }}_influence as {{ materialized() }} (

        select
            matrix.estimate_group,
            signs.sign_vector,
            matrix.row_bit,
            matrix.test_index,
            sum(signs.sign * matrix.cell_value) as influence
        from {{ matrix }} as matrix
        inner join {{ prefix }}_signs as signs
            on
                matrix.estimate_group = signs.estimate_group
                and matrix.column_bit = signs.cluster_bit
        group by
            matrix.estimate_group,
            signs.sign_vector,
            matrix.row_bit,
            matrix.test_index

    ),

    -- b*_k = sum_h v_h U_hk (U repeats on every row cluster: read row 0)
    {{ prefix }}_coefficients as {{ materialized() }} (

        select
            {{ dbt.concat(['matrix.estimate_group', "'|'", 'cast(signs.sign_vector as ' ~ dbt.type_string() ~ ')']) }}
                as group_key,
            matrix.estimate_group,
            signs.sign_vector,
            matrix.test_index,
            max(case when matrix.has_data then 1 else 0 end) as has_data,
            sum(signs.sign * matrix.column_coefficient_response) as coefficient
        from {{ matrix }} as matrix
        inner join {{ prefix }}_signs as signs
            on
                matrix.estimate_group = signs.estimate_group
                and matrix.column_bit = signs.cluster_bit
        where matrix.row_bit = 0
        group by
            matrix.estimate_group,
            signs.sign_vector,
            matrix.test_index

    ),

    -- sum_g psi*_g psi*_g', with 1 on the diagonal of a week without data
    {{ prefix }}_meat as (

        select
            row_coefficients.group_key,
            row_influence.test_index as row_index,
            column_influence.test_index as column_index,
            sum(row_influence.influence * column_influence.influence)
            + case
                when row_influence.test_index = column_influence.test_index and max(row_coefficients.has_data) = 0
                    then 1
                else 0
            end as cell_value
        from {{ prefix }}_influence as row_influence
        inner join {{ prefix }}_influence as column_influence
            on
                row_influence.estimate_group = column_influence.estimate_group
                and row_influence.sign_vector = column_influence.sign_vector
                and row_influence.row_bit = column_influence.row_bit
        inner join {{ prefix }}_coefficients as row_coefficients
            on
                row_influence.estimate_group = row_coefficients.estimate_group
                and row_influence.sign_vector = row_coefficients.sign_vector
                and row_influence.test_index = row_coefficients.test_index
        group by
            row_coefficients.group_key,
            row_influence.test_index,
            column_influence.test_index

    ),

    {{ gauss_jordan_inverse(prefix ~ '_meat', prefix ~ '_wald', size) }},

    {{ prefix }}_statistics as {{ materialized() }} (

        select
            row_coefficients.estimate_group,
            row_coefficients.sign_vector,
            sum(row_coefficients.coefficient * inverse.cell_value * column_coefficients.coefficient) as wald_statistic
        from {{ prefix }}_wald_inverse as inverse
        inner join {{ prefix }}_coefficients as row_coefficients
            on
                inverse.group_key = row_coefficients.group_key
                and inverse.row_index = row_coefficients.test_index
        inner join {{ prefix }}_coefficients as column_coefficients
            on
                inverse.group_key = column_coefficients.group_key
                and inverse.column_index = column_coefficients.test_index
        group by
            row_coefficients.estimate_group,
            row_coefficients.sign_vector

    ),

    -- W* >= W with a relative tolerance: v and -v give the same W* up to rounding
    {{ prefix }}_p_values as (

        select
            bootstrap.estimate_group,
            cast(count(*) as {{ dbt.type_bigint() }}) as sign_vectors,
            max(sample.wald_statistic) as wald_statistic,
            avg(
                case when bootstrap.wald_statistic >= sample.wald_statistic * (1 - 1.0e-9) then 1.0e0 else 0.0e0 end
            ) as p_value
        from {{ prefix }}_statistics as bootstrap
        inner join {{ prefix }}_statistics as sample
            on
                bootstrap.estimate_group = sample.estimate_group
                and sample.sign_vector = 0
        group by bootstrap.estimate_group

    )

{% endmacro %}
