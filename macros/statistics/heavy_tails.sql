{#
    Heavy-tailed metrics (docs/experimentation.md, "Heavy tails"): the linear-interpolation
    quantile used for capping and for quantile metrics, the order statistics of the quantile
    interval, and the linearized moments of ratio metrics used by CUPED. Plain SQL over columns
    and window ranks, the same on DuckDB and Spark: the engines' own quantile aggregates
    (DuckDB quantile_cont, Spark percentile) both interpolate linearly but take only a constant
    probability, while ours comes from the metric catalog, one per metric.
#}

{% macro linear_interpolated_quantile(value, value_rank, row_count, quantile) -%}
    {#- Aggregate: the quantile of value over the group whose rows carry value_rank (row_number
        1..row_count in ascending value order) and row_count, by linear interpolation between
        order statistics, numpy's default method ("linear", Hyndman & Fan type 7): position
        h = (n - 1) q counted from 0, value x_(floor h) + (h - floor h)(x_(floor h + 1) - x_(floor h)).
        At h = n - 1 the weight of the missing next value is 0. -#}
    {%- set position = '((' ~ row_count ~ ' - 1) * ' ~ quantile ~ ')' -%}
    sum(case
        when {{ value_rank }} = floor({{ position }}) + 1
            then {{ value }} * (1.0e0 - ({{ position }} - floor({{ position }})))
        when {{ value_rank }} = floor({{ position }}) + 2
            then {{ value }} * ({{ position }} - floor({{ position }}))
        else 0.0e0
    end)
{%- endmacro %}

{% macro capped_at(value, cap) -%}
    {#- value capped above at cap (winsorization, upper tail); value itself without a cap -#}
    (case when {{ cap }} is not null and {{ value }} > {{ cap }} then {{ cap }} else {{ value }} end)
{%- endmacro %}

{% macro quantile_interval_lower_rank(row_count, quantile, critical_z) -%}
    {#- Rank (1-based) of the order statistic that bounds the (1 - alpha) interval of the
        q-quantile from below (Deng, Knoblich & Yu 2018; GrowthBook's quantile metrics):
        n q - z sqrt(n q (1 - q)), rounded outward (down) and kept inside 1..n -#}
    greatest(1, floor({{ row_count }} * {{ quantile }}
        - {{ critical_z }} * sqrt({{ row_count }} * {{ quantile }} * (1.0e0 - {{ quantile }}))))
{%- endmacro %}

{% macro quantile_interval_upper_rank(row_count, quantile, critical_z) -%}
    {#- The upper bound's rank: n q + z sqrt(n q (1 - q)), rounded outward (up), at most n -#}
    least({{ row_count }}, ceil({{ row_count }} * {{ quantile }}
        + {{ critical_z }} * sqrt({{ row_count }} * {{ quantile }} * (1.0e0 - {{ quantile }}))))
{%- endmacro %}

{% macro quantile_estimate_variance(lower_value, upper_value, critical_z) -%}
    {#- Variance of a sample quantile from its order-statistic interval [x_(L), x_(U)]
        (Deng, Knoblich & Yu 2018): ((x_(U) - x_(L)) / (2 z))^2 -#}
    power(({{ upper_value }} - {{ lower_value }}) / (2.0e0 * {{ critical_z }}), 2)
{%- endmacro %}

{% macro linearized_ratio_covariance(cov_ab, cov_a_db, cov_da_b, cov_da_db, ratio_a, ratio_b, mean_da, mean_db) -%}
    {#- Sample covariance of two ratio metrics' linearized unit values (delta method, Deng,
        Knoblich & Lu 2018): L_i = R_a + (a_i - R_a d_i) / mean(d), whose arm mean is R_a and whose
        variance / n is the delta-method variance of R_a. From the sample moments of the
        numerators a, b and denominators d_a, d_b: (cov(a, b) - R_b cov(a, d_b) - R_a cov(d_a, b)
        + R_a R_b cov(d_a, d_b)) / (mean(d_a) mean(d_b)). With a = b, d_a = d_b it is a variance. -#}
    (({{ cov_ab }} - {{ ratio_b }} * {{ cov_a_db }} - {{ ratio_a }} * {{ cov_da_b }}
        + {{ ratio_a }} * {{ ratio_b }} * {{ cov_da_db }})
        / nullif({{ mean_da }} * {{ mean_db }}, 0))
{%- endmacro %}
