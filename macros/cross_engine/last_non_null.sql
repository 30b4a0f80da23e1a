{#-
    The last non-null value of `expression` in a window frame (put the
    `over (...)` after the call): the running "most recent value seen" that
    sessionization needs. DuckDB and Spark spell "ignore nulls" differently.
-#}
{% macro last_non_null(expression) -%}
    {{ return(adapter.dispatch('last_non_null', 'shortvideo_metrics')(expression)) }}
{%- endmacro %}

{% macro default__last_non_null(expression) -%}
    last_value({{ expression }} ignore nulls)
{%- endmacro %}

{% macro spark__last_non_null(expression) -%}
    last_value({{ expression }}, true)
{%- endmacro %}
