{#-
    A query with one row per item of a comma-separated text column: the `key_columns` of
    `relation`, `item_position` (1-based bigint, the item's place in the list) and `item`
    (trimmed text). Any number of items; a null list gives no rows. Two lists of one row
    (variants and their traffic shares) line up by joining on key and item_position.
    DuckDB lists and Spark arrays are unnested differently, hence the dispatch.
-#}
{% macro comma_list_items(relation, key_columns, list_column) -%}
    {{ return(adapter.dispatch('comma_list_items', 'shortvideo_metrics')(relation, key_columns, list_column)) }}
{%- endmacro %}

{% macro default__comma_list_items(relation, key_columns, list_column) -%}
    {#- unnest and generate_subscripts in one select list run in step, row for row -#}
    select
        {%- for key in key_columns %}
        {{ key }},
        {%- endfor %}
        cast(item_position as {{ dbt.type_bigint() }}) as item_position,
        trim(item) as item
    from (
        select
            {%- for key in key_columns %}
            {{ key }},
            {%- endfor %}
            unnest(string_split({{ list_column }}, ',')) as item,
            generate_subscripts(string_split({{ list_column }}, ','), 1) as item_position
        from {{ relation }}
    ) as items
{%- endmacro %}

{% macro spark__comma_list_items(relation, key_columns, list_column) -%}
    {#- posexplode counts from 0 -#}
    select
        {%- for key in key_columns %}
        {{ key }},
        {%- endfor %}
        cast(item_position + 1 as {{ dbt.type_bigint() }}) as item_position,
        trim(item) as item
    from (
        select
            {%- for key in key_columns %}
            {{ key }},
            {%- endfor %}
            posexplode(split({{ list_column }}, ',')) as (item_position, item)
        from {{ relation }}
    ) as items
{%- endmacro %}
