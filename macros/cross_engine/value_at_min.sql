{#-
    Aggregate: the value of `expression` on the row of the group that comes
    first by `order_columns` (a list, compared in order; ties on all of them
    are broken arbitrarily, so end the list with a key). One pass of a group
    by instead of a row_number() window and a join back (docs/benchmarks.md,
    Design measurements). A null value on
    that row is returned as null, as the window would (DuckDB's arg_min_null;
    plain arg_min skips such rows); keep the ordering columns not null.
    DuckDB: over a row value; Spark: min_by over a struct.
-#}
{% macro value_at_min(expression, order_columns) -%}
    {{ return(adapter.dispatch('value_at_min', 'shortvideo_metrics')(expression, order_columns)) }}
{%- endmacro %}

{% macro default__value_at_min(expression, order_columns) -%}
    arg_min_null({{ expression }}, ({{ order_columns | join(', ') }}))
{%- endmacro %}

{% macro spark__value_at_min(expression, order_columns) -%}
    min_by({{ expression }}, struct({{ order_columns | join(', ') }}))
{%- endmacro %}
