{#- Publish a model as Parquet after it builds, so BI tools and notebooks can
    read it while the next build holds the DuckDB file (a DuckDB file has one
    writer). Used as a post_hook: config(post_hook="{{ publish_parquet() }}").
    Target: <SV_PUBLISH_PATH>/<model>.parquet; SV_PUBLISH_PATH defaults to
    the folder of the DuckDB file (e.g. data/default/ for data/default/
    warehouse.duckdb), which always exists, so each warehouse publishes next to
    itself. On Spark it does nothing: the tables are already files in the
    Spark warehouse. -#}
{% macro publish_parquet(relation=none) %}
    {{ return(adapter.dispatch('publish_parquet', 'shortvideo_metrics')(relation or this)) }}
{% endmacro %}

{% macro publish_path(name) %}
    {%- set database_path = target.path if target.type == 'duckdb' else '' -%}
    {%- set default_dir = database_path.rsplit('/', 1)[0] if '/' in database_path else '.' -%}
    {{ return(env_var('SV_PUBLISH_PATH', default_dir) ~ '/' ~ name ~ '.parquet') }}
{% endmacro %}

{% macro duckdb__publish_parquet(relation) -%}
    copy (select * from {{ relation }}) to '{{ publish_path(relation.identifier) }}' (format parquet)
{%- endmacro %}

{% macro default__publish_parquet(relation) -%}
    select 1 as published_nothing
{%- endmacro %}

{#- dbt run-operation publish_public_marts: export the public marts (and the
    change drivers) of the current warehouse, e.g. from the Makefile after a
    build; the models that have the post_hook already publish themselves. -#}
{% macro publish_public_marts(models=none) %}
    {%- set names = models or ['fct_core_indicators', 'fct_indicator_anomalies', 'fct_indicator_change_drivers',
                              'fct_experiment_results', 'fct_experiment_health'] -%}
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
