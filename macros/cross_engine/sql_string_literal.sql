{#
    `value` (a run-time string: a file name, a path) as a SQL string literal that reads back
    as exactly `value`, whatever it contains. Use it wherever such a value is pasted into SQL.
#}
{% macro sql_string_literal(value) -%}
    {{ return(adapter.dispatch('sql_string_literal')(value | string)) }}
{%- endmacro %}

{# DuckDB (standard SQL): a quote is written twice; a backslash is an ordinary character. #}
{% macro default__sql_string_literal(value) -%}
    {{ return("'" ~ value.replace("'", "''") ~ "'") }}
{%- endmacro %}

{#
    Spark: a backslash escapes the next character inside a literal, and two quotes in a row
    are two adjacent literals ('a''b' reads as 'ab'), so both are escaped with a backslash.
    (With spark.sql.parser.escapedStringLiterals on, not set here, the backslashes would stay
    in the value: a wrong name, still no injection, since the lexer reads the same tokens.)
#}
{% macro spark__sql_string_literal(value) -%}
    {{ return("'" ~ value.replace('\\', '\\\\').replace("'", "\\'") ~ "'") }}
{%- endmacro %}
