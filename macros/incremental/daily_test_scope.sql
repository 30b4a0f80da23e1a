{#-
    Daily runs test the rows they wrote; the full suite runs on schedule
    (docs/incremental.md, "Tests on a daily run").

    `dbt build --vars '{data_tests_scope: recent}'` restricts the row-level
    data tests (not_null, unique, accepted values and patterns, relationships,
    unique combinations, row expressions) of the large incremental models to
    their rows inside the lookback window. A model opts in with
    meta.recent_rows_column, the column the window is read on (_loaded_at or
    max_loaded_at). The large event-grain views have neither: they name the
    row's day, and in meta.recent_rows_landed_in an upstream staging table
    and its event-time column; their recent rows are those on the event days
    of that table's rows inside its lookback window (late rows included),
    the days an incremental daily model rebuilds. Its optional
    row_time_column (the view's own event time, of which the row's day is
    the date) adds row_time_column >= the earliest of those days: a
    comparison with a constant reaches the staged tables' scans through the
    view (a day list does not). Reading the view's own newest day would cost
    a scan of the whole view, as much as the test.
    Aggregate tests (raw = staged + rejected, one component per ring) always
    see the whole table. The default scope, `all`, tests every row, as
    `make test` and a --full-refresh build do.

    This overrides dbt's get_where_subquery (the documented hook through which
    every generic test reads its model); a test's own `where` still applies.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set window_column = recent_rows_column() -%}
    {%- if window_column -%}
        {%- set landed_in = recent_rows_landed_in() -%}
        {%- set recent -%}
            {%- if landed_in -%}
                {{ in_event_days_landed_in_window(window_column, landed_in.relation, landed_in.time_column,
                                                  window_of=landed_in.relation, from_column=landed_in.from_column) }}
            {%- else -%}
                {{ window_column }} > {{ incremental_lookback_start(window_column, relation) }}
            {%- endif -%}
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


{#- meta.recent_rows_landed_in of the model under test (see
    get_where_subquery) as {relation, time_column}, or none. -#}
{% macro recent_rows_landed_in() -%}
    {%- set tested = graph.nodes.get(model.attached_node) -%}
    {%- set landed_in = tested.config.meta.get('recent_rows_landed_in') -%}
    {%- if not landed_in -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set upstream = graph.nodes.get('model.' ~ project_name ~ '.' ~ landed_in.get('model', '')) -%}
    {%- if upstream is none or not landed_in.get('time_column') -%}
        {{ exceptions.raise_compiler_error("meta.recent_rows_landed_in of " ~ tested.name
            ~ " must be {model: <a model of this project>, time_column: <its event time>}, got " ~ landed_in) }}
    {%- endif -%}
    {{ return({'relation': upstream.relation_name, 'time_column': landed_in.time_column,
               'from_column': landed_in.get('row_time_column')}) }}
{%- endmacro %}
