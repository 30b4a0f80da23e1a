{#- Publish a model as Parquet after it builds, so BI tools and notebooks can
    read it while the next build holds the DuckDB file (a DuckDB file has one
    writer). Used as a post_hook: config(post_hook="{{ publish_parquet() }}").
    Target: <SV_PUBLISH_PATH>/<model>.parquet; SV_PUBLISH_PATH defaults to
    the folder of the DuckDB file (data/ for data/warehouse.duckdb), so each
    warehouse publishes next to itself; a folder that does not exist yet is
    created. On Spark it does nothing, SV_PUBLISH_PATH included (neither read
    nor created): the tables are already files in the Spark warehouse. -#}
{% macro publish_parquet(relation=none) %}
    {{ return(adapter.dispatch('publish_parquet', 'shortvideo_metrics')(relation or this)) }}
{% endmacro %}

{% macro publish_directory() %}
    {%- set database_path = target.path if target.type == 'duckdb' else '' -%}
    {%- set default_dir = database_path.rsplit('/', 1)[0] if '/' in database_path else '.' -%}
    {{ return(env_var('SV_PUBLISH_PATH', default_dir).rstrip('/') or '/') }}
{% endmacro %}

{% macro publish_path(name) %}
    {{ return(publish_directory().rstrip('/') ~ '/' ~ name ~ '.parquet') }}
{% endmacro %}

{#- DuckDB's COPY does not create the folder it writes to, but a partitioned
    COPY creates its target folder (one level, and leaves what is in it
    alone), and with no rows it writes no file: one such COPY per level of
    the publish folder creates what is missing, like mkdir -p. -#}
{% macro duckdb__create_publish_directory() -%}
    {%- set directory = publish_directory() -%}
    {%- set parts = directory.split('/') -%}
    {%- for depth in range(1, parts | length + 1) -%}
        {%- set level = parts[:depth] | join('/') -%}
        {%- if level not in ['', '.', '..'] and not level.endswith('/..') %}
    copy (select 1 as partition_key, 1 as nothing where false)
    to {{ sql_string_literal(level) }} (format parquet, partition_by (partition_key), overwrite_or_ignore true);
        {%- endif -%}
    {%- endfor %}
{%- endmacro %}

{% macro duckdb__publish_parquet(relation) -%}
    {{ duckdb__create_publish_directory() }}
    copy (select * from {{ relation }}) to {{ sql_string_literal(publish_path(relation.identifier)) }} (format parquet)
{%- endmacro %}

{% macro default__publish_parquet(relation) -%}
    select 1 as published_nothing
{%- endmacro %}

{#- `dbt run-operation publish_public_marts`, run by hand: export the public
    marts of an existing warehouse without building
    it again, e.g. into another SV_PUBLISH_PATH. A build needs no call: the
    models with the post_hook publish themselves. -#}
{% macro publish_public_marts(models=none) %}
    {%- set names = models or ['fct_core_indicators', 'fct_indicator_anomalies', 'fct_indicator_change_drivers',
                              'fct_experiment_results', 'fct_experiment_health', 'fct_experiment_health_by_segment',
                              'fct_experiment_decisions', 'fct_experiment_results_daily'] -%}
    {%- for name in names -%}
        {%- set relation = adapter.get_relation(database=target.database, schema=target.schema, identifier=name) -%}
        {%- if relation is none -%}
            {{ log('publish_public_marts: ' ~ name ~ ' is not built, skipped', info=true) }}
        {%- elif target.type == 'duckdb' -%}
            {%- do run_query(duckdb__publish_parquet(relation)) -%}
            {{ log('published ' ~ publish_path(name), info=true) }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
