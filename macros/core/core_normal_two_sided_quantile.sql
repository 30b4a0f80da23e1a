{#- z such that P(|Z| <= z) = q for a standard normal Z, for the few q the
    anomaly scale uses (a constant rendered at compile time; neither engine
    has an inverse normal CDF). -#}
{% macro core_normal_two_sided_quantile(q) %}
    {%- set table = {0.5: 0.6744897501960817, 0.8: 1.2815515655446004, 0.9: 1.6448536269514722,
                     0.95: 1.959963984540054, 0.99: 2.5758293035489004} -%}
    {%- if q not in table -%}
        {{ exceptions.raise_compiler_error('anomaly_tail_quantile must be one of ' ~ table.keys() | list) }}
    {%- endif -%}
    {{ return(table[q]) }}
{% endmacro %}
