{#- Exact elapsed seconds (with microseconds) from start_at to end_at.
    dbt.datediff counts boundaries on DuckDB and rounds on Spark, so it is
    not exact for sub-day spans; both engines expose epoch microseconds. -#}
{% macro seconds_between(start_at, end_at) %}
    {{ return(adapter.dispatch('seconds_between', 'shortvideo_metrics')(start_at, end_at)) }}
{% endmacro %}

{% macro duckdb__seconds_between(start_at, end_at) -%}
    (cast(epoch_us({{ end_at }}) - epoch_us({{ start_at }}) as double) / 1000000.0)
{%- endmacro %}

{% macro spark__seconds_between(start_at, end_at) -%}
    (cast(unix_micros({{ end_at }}) - unix_micros({{ start_at }}) as double) / 1000000.0)
{%- endmacro %}

{% macro default__seconds_between(start_at, end_at) -%}
    cast({{ dbt.datediff(start_at, end_at, 'second') }} as double)
{%- endmacro %}
