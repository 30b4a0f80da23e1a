{#
    The import path for experiments analysed elsewhere (contracts/public_marts.md section 3):
    every <SV_IMPORTS_PATH>/experiments/*.csv (default data/imports). Used by the model
    int_experiment_imports_validated at execution time.

    experiment_import_files() lists the files and their header columns and returns, per file,
    a relation to select from. DuckDB globs the folder (an absent or empty folder gives no
    files). Spark points an external text table at the folder (an absent folder reads as
    empty) to list the files, then reads each file through a temporary csv view with its
    header. Each file is read with all columns as text; typing and checks happen in SQL.
#}

{% macro experiment_imports_dir() -%}
    {{- return(env_var('SV_IMPORTS_PATH', 'data/imports') ~ '/experiments') -}}
{%- endmacro %}

{% macro experiment_import_files() -%}
    {{ return(adapter.dispatch('experiment_import_files')()) }}
{%- endmacro %}

{% macro default__experiment_import_files() -%}
    {%- set dir = experiment_imports_dir() -%}
    {%- set listing = run_query("select file from glob('" ~ dir ~ "/*.csv') order by file") -%}
    {%- set files = [] -%}
    {%- for row in listing.rows -%}
        {%- set relation = "read_csv('" ~ row[0] ~ "', header = true, all_varchar = true)" -%}
        {%- set head = run_query('select * from ' ~ relation ~ ' limit 0') -%}
        {%- do files.append({'file': row[0], 'relation': relation, 'columns': head.column_names | list}) -%}
    {%- endfor -%}
    {{ return(files) }}
{%- endmacro %}

{% macro spark__experiment_import_files() -%}
    {%- set dir = experiment_imports_dir() -%}
    {%- set listing_table = target.schema ~ '.sv_experiment_import_listing' -%}
    {%- do run_query('drop table if exists ' ~ listing_table) -%}
    {%- do run_query("create table " ~ listing_table ~ " (value string) using text options (pathGlobFilter '*.csv') location '" ~ dir ~ "'") -%}
    {%- set listing = run_query('select distinct _metadata.file_path as file from ' ~ listing_table ~ ' order by file') -%}
    {%- set files = [] -%}
    {%- for row in listing.rows -%}
        {%- set view = 'sv_experiment_import_' ~ loop.index -%}
        {%- do run_query("create or replace temporary view " ~ view ~ " using csv options (path '" ~ row[0] ~ "', header 'true', inferSchema 'false')") -%}
        {%- set head = run_query('select * from ' ~ view ~ ' limit 0') -%}
        {%- do files.append({'file': row[0], 'relation': view, 'columns': head.column_names | list}) -%}
    {%- endfor -%}
    {{ return(files) }}
{%- endmacro %}
