{#- The raw columns a base_ view lists in meta.raw_row_json (names, or [raw name, column]), as
    row_as_json() takes them for a rejected row: a column whose YAML meta says contains_pii
    becomes [raw name, its hash_pii()], so the JSON keeps PII hashed as the staged tables do.
    A placeholder at parse time, before the graph is loaded. -#}
{% macro base_raw_row_columns(system, table) -%}
    {%- if not execute -%}
        {{ return(['_loaded_at']) }}
    {%- endif -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.base_' ~ system ~ '__' ~ table) -%}
    {%- set columns = node.config.meta.get('raw_row_json') if node else none -%}
    {%- if not columns -%}
        {{ exceptions.raise_compiler_error('base_' ~ system ~ '__' ~ table ~ ' has no meta.raw_row_json: list the raw columns its rejected rows keep as JSON') }}
    {%- endif -%}
    {%- set json_columns = [] -%}
    {%- for column in columns -%}
        {%- set is_pii = node.columns.get(json_value(column), {}).get('config', {}).get('meta', {}).get('contains_pii') -%}
        {%- do json_columns.append([json_key(column), hash_pii(json_value(column))] if is_pii else column) -%}
    {%- endfor -%}
    {{ return(json_columns) }}
{%- endmacro %}
