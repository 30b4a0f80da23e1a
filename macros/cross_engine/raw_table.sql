{#
    The relation to read one raw landing-zone table from.

    DuckDB resolves the source through dbt-duckdb's `external_location`
    (a read_parquet over the table's folder, set in the sources YAML). Spark
    has no such hook, so it reads the folder with its `parquet.` path syntax;
    calling source() there still records the lineage and the freshness config.
    In a dbt unit test source() returns the fixture CTE, which wins.
#}
{% macro raw_table(system, table) -%}
    {{ return(adapter.dispatch('raw_table')(system, table)) }}
{%- endmacro %}

{% macro default__raw_table(system, table) -%}
    {{ source(system, table) }}
{%- endmacro %}

{% macro spark__raw_table(system, table) -%}
    {%- set relation = source(system, table) -%}
    {%- if '__dbt__cte__' in (relation | string) -%}
        {{ relation }}
    {%- else -%}
        parquet.`{{ env_var('SV_RAW_PATH', 'data/raw') }}/{{ system }}/{{ table }}`
    {%- endif -%}
{%- endmacro %}
