{#- Settings of the core anomaly detector, each a var with its default, so a
    run can override them (dbt build --vars '{anomaly_sensitivity: 3.5}'). Why these defaults:
    docs/core_indicators.md, section Anomaly detection. -#}
{% macro core_anomaly_setting(name) %}
    {%- set defaults = {
        'anomaly_sensitivity': 4,
        'anomaly_training_weeks': 4,
        'anomaly_min_training_points': 3,
        'anomaly_scale_floor': 0.05,
        'anomaly_tail_quantile': 0.9,
        'anomaly_sampling_sensitivity': 4,
        'anomaly_revenue_winsor_quantile': 0.99,
    } -%}
    {{ return(var(name, defaults[name])) }}
{% endmacro %}
