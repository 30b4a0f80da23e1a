{#-
    CTE hint for a CTE that only reads a large relation (`x as
    {{ not_materialized() }} (select * from ...)`) and is read more than
    once: DuckDB materializes such a CTE (every column of every row) before
    the query runs; inlined, each reader scans only the columns it needs.
    At scale a materialized copy of stg_app__events spilled to disk
    (docs/benchmarks.md, Design measurements). Spark always inlines CTEs, so
    the hint is DuckDB-only.
-#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized', 'shortvideo_metrics')()) }}
{%- endmacro %}

{% macro default__not_materialized() -%}
{%- endmacro %}

{% macro duckdb__not_materialized() -%}
    not materialized
{%- endmacro %}


{#-
    The opposite hint, for a small CTE (a few keys) read more than once
    whose computation scans a large relation: computed once on DuckDB.
    Spark has no such hint and computes it for each reader.
-#}
{% macro materialized() -%}
    {{ return(adapter.dispatch('materialized', 'shortvideo_metrics')()) }}
{%- endmacro %}

{% macro default__materialized() -%}
{%- endmacro %}

{% macro duckdb__materialized() -%}
    materialized
{%- endmacro %}
