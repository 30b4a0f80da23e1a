{#
    A JSON object text of the given columns, used to keep a rejected raw row
    whole. DuckDB writes nulls as `null`, Spark omits null fields; both parse
    back to the same row.
#}
{% macro row_as_json(columns) -%}
    {{ return(adapter.dispatch('row_as_json')(columns)) }}
{%- endmacro %}

{% macro default__row_as_json(columns) -%}
    to_json(struct_pack(
        {%- for column in columns %}
        {{ json_key(column) }} := {{ json_value(column) }}{{ "," if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}

{% macro spark__row_as_json(columns) -%}
    to_json(named_struct(
        {%- for column in columns %}
        '{{ json_key(column) }}', {{ json_value(column) }}{{ "," if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}

{#- A column is a name, or [json key, column] when the column was renamed. -#}
{% macro json_key(column) -%}
    {{ column if column is string else column[0] }}
{%- endmacro %}

{% macro json_value(column) -%}
    {{ column if column is string else column[1] }}
{%- endmacro %}
