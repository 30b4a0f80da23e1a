{#
    The small-sample factor of a cluster-robust (CR1) covariance,
    G / (G - 1) * (N - 1) / (N - K): G clusters, N observations, K columns of
    the regression. statsmodels' cov_type='cluster' and Stata's vce(cluster)
    use it; null when G = 1 or N = K. Arguments are SQL expressions.
#}
{% macro cluster_robust_factor(clusters, observations, parameters) -%}
    {{ clusters }} / nullif({{ clusters }} - 1, 0)
    * ({{ observations }} - 1) / nullif({{ observations }} - {{ parameters }}, 0)
{%- endmacro %}
