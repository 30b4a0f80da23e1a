{#
    `name` (a run-time column name, e.g. from a CSV header) as a quoted identifier that
    names exactly that column. adapter.quote() only wraps the name in quotes and does not
    escape a quote inside it.
#}
{% macro sql_quoted_identifier(name) -%}
    {{ return(adapter.dispatch('sql_quoted_identifier')(name | string)) }}
{%- endmacro %}

{# DuckDB (standard SQL): double quotes, a double quote inside written twice. #}
{% macro default__sql_quoted_identifier(name) -%}
    {{ return('"' ~ name.replace('"', '""') ~ '"') }}
{%- endmacro %}

{# Spark: backticks, a backtick inside written twice. #}
{% macro spark__sql_quoted_identifier(name) -%}
    {{ return('`' ~ name.replace('`', '``') ~ '`') }}
{%- endmacro %}
