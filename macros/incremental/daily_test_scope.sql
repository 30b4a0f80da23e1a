{#-
    Daily runs test the rows they wrote; the full suite runs on schedule
    (docs/incremental.md, "Tests on a daily run").

    `dbt build --vars '{data_tests_scope: recent}'` restricts the row-level
    data tests (not_null, unique, accepted values and patterns, relationships,
    unique combinations, row expressions) of the large incremental models to
    their rows inside the lookback window. A model opts in with
    meta.recent_rows_column, the column the window is read on (_loaded_at or
    max_loaded_at; on the large views, which have neither, the row's day:
    their rows of the last lookback days). Aggregate tests (raw = staged + rejected, one component
    per ring) always see the whole table. The default scope, `all`, tests
    every row, as `make test` and a --full-refresh build do.

    This overrides dbt's get_where_subquery (the documented hook through which
    every generic test reads its model); a test's own `where` still applies.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set window_column = recent_rows_column() -%}
    {%- if window_column -%}
        {%- set recent -%}
            {{ window_column }} > {{ incremental_lookback_start(window_column, relation) }}
        {%- endset -%}
        {%- set where = recent ~ (' and (' ~ where ~ ')' if where else '') -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}


{#- The column a data test of this run reads the recent rows on, or none:
    only with data_tests_scope = recent, only for row-level tests, only on
    models with meta.recent_rows_column. -#}
{% macro recent_rows_column() -%}
    {%- set scope = var('data_tests_scope', 'all') -%}
    {%- if scope not in ['all', 'recent'] -%}
        {{ exceptions.raise_compiler_error("var data_tests_scope must be 'all' or 'recent', got '" ~ scope ~ "'") }}
    {%- endif -%}
    {%- set row_level_tests = ['not_null', 'unique', 'accepted_values', 'relationships', 'accepted_enum',
                               'accepted_pattern', 'unique_combination_of_columns', 'expression_is_true'] -%}
    {%- if scope != 'recent' or not execute or model.resource_type != 'test' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if model.test_metadata is not defined or model.test_metadata.name not in row_level_tests -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set tested = graph.nodes.get(model.attached_node) if model.attached_node else none -%}
    {%- if tested is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(tested.config.meta.get('recent_rows_column')) }}
{%- endmacro %}
