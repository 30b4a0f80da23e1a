{#
    `make repair LANDED_SINCE=<date>`, step 1 (docs/incremental.md, "Withdrawing
    a bad file"): delete from every incremental staging table and
    rejected-rows table the rows that landed on or after `landed_since` (a
    UTC date, 'YYYY-MM-DD'). The staging tables are append-only, so a file
    removed from the landing zone would otherwise stay staged for good. The
    next incremental run counts its window back from the newest row left,
    so it classifies every raw row that landed since again; downstream models
    are then rebuilt in full (step 3), since the days of a withdrawn row are
    no longer findable from what landed. DuckDB only: Spark's parquet tables
    have no delete (there, `dbt build --full-refresh`).
#}
{% macro withdraw_rows_landed_since(landed_since) %}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', landed_since | string) -%}
        {{ exceptions.raise_compiler_error("withdraw_rows_landed_since: landed_since must be a date 'YYYY-MM-DD' (UTC), e.g. LANDED_SINCE=2026-09-03") }}
    {%- endif -%}
    {%- if target.type != 'duckdb' -%}
        {{ exceptions.raise_compiler_error("withdraw_rows_landed_since runs on DuckDB only: on " ~ target.type ~ " rebuild with `dbt build --full-refresh`") }}
    {%- endif -%}
    {%- set since = modules.datetime.date.fromisoformat(landed_since | string) -%}
    {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.fqn[1] == 'staging'
            and node.config.materialized == 'incremental' -%}
        {%- set relation = adapter.get_relation(node.database, node.schema, node.alias) -%}
        {%- if relation is not none -%}
            {%- set landed_since = "_loaded_at >= cast('" ~ since.isoformat() ~ "' as " ~ dbt.type_timestamp() ~ ")" -%}
            {%- set count = run_query("select count(*) from " ~ relation ~ " where " ~ landed_since).columns[0].values()[0] -%}
            {%- do run_query("delete from " ~ relation ~ " where " ~ landed_since) -%}
            {{ log(node.name ~ ": withdrew " ~ count ~ " rows landed since " ~ since.isoformat(), info=true) }}
        {%- endif -%}
    {%- endfor -%}
    {%- do adapter.commit() -%}
{% endmacro %}
