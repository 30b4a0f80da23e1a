{#
    on-run-start (dbt_project.yml): stop before any node runs when the DuckDB
    file's name would collide with a catalog name. DuckDB attaches a file as
    the catalog named after its stem, so `main.duckdb` becomes catalog `main`,
    which is also the name of the default schema: dbt-duckdb then no longer
    finds the tables it built, and a second run fails with "Table ... already
    exists" (or builds its incremental models in full). Returns no SQL.
#}
{% macro assert_duckdb_file_name_usable() %}
    {%- if target.type == 'duckdb' -%}
        {%- set file_name = target.path.replace('\\', '/').split('/')[-1] -%}
        {%- set stem = file_name.rsplit('.', 1)[0] if '.' in file_name else file_name -%}
        {%- if stem | lower in ['main', 'memory', 'system', 'temp'] -%}
            {{ exceptions.raise_compiler_error(
                "The DuckDB file '" ~ target.path ~ "' (SV_DUCKDB_PATH) is named '" ~ file_name
                ~ "': DuckDB would attach it as catalog '" ~ stem ~ "', a name it reserves or the"
                ~ " project uses as its schema, and dbt could not find the tables it built."
                ~ " Give the file another name, e.g. warehouse.duckdb.") }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
