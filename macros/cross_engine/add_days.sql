{#- A date n days after a date, as a DATE on every engine (date + interval
    is a TIMESTAMP on DuckDB and a DATE on Spark). -#}
{% macro add_days(date_expression, days) -%}
    cast({{ dbt.dateadd('day', days, date_expression) }} as date)
{%- endmacro %}
