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
        {{ column }} := {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}

{% macro spark__row_as_json(columns) -%}
    to_json(named_struct(
        {%- for column in columns %}
        '{{ column }}', {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}
