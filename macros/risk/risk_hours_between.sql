{#
    Exact elapsed hours (fractional, microsecond precision) from start_at to
    end_at. dbt.datediff counts boundaries on DuckDB and rounds on Spark for
    hours, so each engine gets its own microsecond epoch function.
#}
{% macro risk_hours_between(start_at, end_at) -%}
    {{ return(adapter.dispatch('risk_hours_between')(start_at, end_at)) }}
{%- endmacro %}

{% macro default__risk_hours_between(start_at, end_at) -%}
    ((epoch_us({{ end_at }}) - epoch_us({{ start_at }})) / cast(3600000000 as double))
{%- endmacro %}

{% macro spark__risk_hours_between(start_at, end_at) -%}
    ((unix_micros({{ end_at }}) - unix_micros({{ start_at }})) / cast(3600000000 as double))
{%- endmacro %}
