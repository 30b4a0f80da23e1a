{#-
    Aggregate: the group's values of `expression` (text) joined by `delimiter` (a SQL string
    literal) in the order of `order_key` (text; ties broken by the value), the same order on
    every engine. dbt's listagg cannot order on Spark (it warns and collects in any order).
    DuckDB: string_agg with an order by; Spark: a sorted array of (key, value) structs.
-#}
{% macro ordered_string_agg(expression, delimiter, order_key) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'shortvideo_metrics')(expression, delimiter, order_key)) }}
{%- endmacro %}

{% macro default__ordered_string_agg(expression, delimiter, order_key) -%}
    string_agg({{ expression }}, {{ delimiter }} order by {{ order_key }}, {{ expression }})
{%- endmacro %}

{% macro spark__ordered_string_agg(expression, delimiter, order_key) -%}
    array_join(
        transform(array_sort(collect_list(struct({{ order_key }} as sort_key, {{ expression }} as item))), x -> x.item),
        {{ delimiter }}
    )
{%- endmacro %}
