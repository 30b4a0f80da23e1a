{#-
    Incremental processing on _loaded_at with a lookback window
    (docs/incremental.md). A run reprocesses every row that landed within
    var('incremental_lookback_days', 3) days before the newest row already
    in the target: rows whose file reached the landing zone late, and orphans
    whose parent row has landed since, are picked up; rows already in the
    target are not inserted twice, so re-running a day changes nothing.
-#}

{#- True when a window's start or days can be read now and written into the
    SQL as constants: dbt is executing (not parsing), and not a unit test,
    whose `this` and inputs are CTEs of the test's own query. -#}
{% macro evaluated_once() -%}
    {{ return(execute and not (model is defined and model.resource_type == 'unit_test')) }}
{%- endmacro %}


{#- SQL expression: the earliest _loaded_at (or other column) a run of
    {{ this }} reprocesses; 1900-01-01 when the target is empty. On Spark
    dateadd by days yields a date (midnight), a slightly longer window.
    source_table: a rejected-rows table keeps one window per raw table,
    counted back from that table's newest rejected row (one window for the
    whole table missed a late file of a table whose rows land earlier than
    another's, whose rows then were neither staged nor rejected). Rows that
    claim to land after the run's clock (landing_clock()) do not count: a
    rejected row from 2099 would otherwise start every later window in 2099. -#}
{% macro incremental_lookback_start(column='_loaded_at', relation=none, source_table=none) -%}
    {%- set newest -%}
        (select max({{ column }}) from {{ relation or this }}
         where {{ column }} <= {{ landing_clock() }}
         {%- if source_table %} and source_table = '{{ source_table }}'{% endif %})
    {%- endset -%}
    {%- set start -%}
        coalesce(
            cast({{ dbt.dateadd('day', -1 * var('incremental_lookback_days', 3), newest) }} as {{ dbt.type_timestamp() }}),
            cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }})
        )
    {%- endset -%}
    {%- if evaluated_once() -%}
        {#- one constant for the run: the engines skip row groups (DuckDB's
            min/max zonemaps, Parquet statistics) only on a comparison with a
            constant, so a subquery here made every incremental run read
            every staged and raw row -#}
        {{ value_read_once('select ' ~ start, dbt.type_timestamp()) }}
    {%- else -%}
        {{ start }}
    {%- endif -%}
{%- endmacro %}


{#- Predicate on the raw (or staged) rows a run reads: on an incremental run
    the rows that landed inside the lookback window; otherwise true. The
    loader always sets _loaded_at. watermark: the column of {{ this }} the
    window is counted back from (its newest landing time). -#}
{% macro landed_in_lookback_window(source_table=none, watermark='_loaded_at') -%}
    {%- if is_incremental() -%}
        _loaded_at > {{ incremental_lookback_start(watermark, source_table=source_table) }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- Subquery: the UTC days (of time_column) of the rows in `relation` (a
    staged table) that landed inside the lookback window before the newest
    max_loaded_at of {{ this }}: a day-grain base, whose day depends on that
    day's rows only, rebuilds these (in_event_days_landed_in_window() below). -#}
{% macro event_days_landed_in_window(relation, time_column='event_at') -%}
    select distinct cast({{ time_column }} as date)
    from {{ relation }}
    where _loaded_at > {{ incremental_lookback_start('max_loaded_at') }}
{%- endmacro %}


{#- Predicate: `day` (a date expression) is one of event_days_landed_in_window()'s
    days, evaluated once into a list of constants when dbt executes. With
    `from_column` (the time column `day` is the date of, in the relation the
    predicate filters) it also says from_column >= the earliest of those days:
    on a constant the scan skips the row groups of older events, where an `in
    (subquery)` read every event (docs/benchmarks.md, Design measurements).
    No day landed: false. -#}
{% macro in_event_days_landed_in_window(day, relation, time_column='event_at', from_column=none) -%}
    {{ in_days_of(day, event_days_landed_in_window(relation, time_column), from_column) }}
{%- endmacro %}


{#- Predicate: `day` is one of the dates `days_query` (a select of one date
    column) returns, written as constants when dbt executes (see
    in_event_days_landed_in_window() for from_column); `in (days_query)` otherwise. -#}
{% macro in_days_of(day, days_query, from_column=none) -%}
    {%- if not evaluated_once() -%}
        {{ day }} in ({{ days_query }})
    {%- else -%}
        {%- set days = days_of(days_query) -%}
        {%- if days | length == 0 -%}
            false
        {%- else -%}
            {%- if from_column -%}
                {{ from_column }} >= cast('{{ days[0] }} 00:00:00' as {{ dbt.type_timestamp() }}) and {% endif -%}
            {{ day }} in ({% for d in days %}cast('{{ d }}' as date){{ ', ' if not loop.last }}{% endfor %})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- `days_query` read once into a select of constants when dbt executes (a
    model that filters several relations on the same days runs the query
    once; in_days_of() on the result costs nothing; no day: one null row,
    which days_of() drops); unchanged otherwise. -#}
{% macro days_read_once(days_query) -%}
    {%- if not evaluated_once() -%}
        {{ return(days_query) }}
    {%- endif -%}
    {%- set days = days_of(days_query) -%}
    {%- if days | length == 0 -%}
        {{ return('select cast(null as date)') }}
    {%- endif -%}
    {%- set selects = [] -%}
    {%- for d in days -%}
        {%- do selects.append("select cast('" ~ d ~ "' as date)") -%}
    {%- endfor -%}
    {{ return(selects | join(' union all ')) }}
{%- endmacro %}


{#- The dates `days_query` returns, read now: a sorted list of 'YYYY-MM-DD'
    strings (call only when evaluated_once()). -#}
{% macro days_of(days_query) -%}
    {%- set days = [] -%}
    {%- for value in run_query('select cast(days.d as ' ~ dbt.type_string() ~ ') from (' ~ days_query
                               ~ ') as days (d) where days.d is not null').columns[0].values() -%}
        {%- do days.append(value[:10] if value is string else value.strftime('%Y-%m-%d')) -%}
    {%- endfor -%}
    {{ return(days | unique | sort) }}
{%- endmacro %}


{#- SQL date: the earliest of event_days_landed_in_window()'s days, a
    constant when dbt executes (null when no day landed: the run then
    rebuilds nothing). For the session parts, which rebuild every day from it. -#}
{% macro earliest_event_day_landed_in_window(relation, time_column='event_at') -%}
    {%- if not evaluated_once() -%}
        (select min(days.d) from ({{ event_days_landed_in_window(relation, time_column) }}) as days (d))
    {%- else -%}
        {%- set days = days_of(event_days_landed_in_window(relation, time_column)) -%}
        {{ "cast('" ~ days[0] ~ "' as date)" if days else 'cast(null as date)' }}
    {%- endif -%}
{%- endmacro %}


{#- Predicate of an incremental stg_ model: on an incremental run, the key
    is not staged yet (by any earlier run, so a duplicate landing long after
    its first copy is never staged); otherwise true. base: the model's base_
    view; with the model's meta.event_time_column (staging_incremental_config())
    the lookup reads only the recent staged rows (staged_since_earliest_landed()). -#}
{% macro not_staged_yet(primary_key, alias, base=none) -%}
    {%- if is_incremental() -%}
        not exists (
            select 1
            from {{ this }} as staged
            where
                {{ staged_since_earliest_landed(base, config.get('meta', {}).get('event_time_column')) }}
                staged.{{ primary_key }} = {{ alias }}.{{ primary_key }}
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- Part of a predicate on staged rows (alias `staged`), ending in `and`:
    their time_column is not before the earliest valid one (not before var
    earliest_valid_timestamp, the quarantine rule; faulty rows carry e.g.
    1970) among the rows of `base` that landed inside the lookback window
    (source_table: that raw table's window in a rejected-rows table). A
    duplicate carries its first copy's contents, so the earlier staged rows
    cannot share a key with a landed row: the key lookup then reads the
    recent staged rows, not all of them (a hash table of every staged key
    otherwise: docs/benchmarks.md, Design measurements). Evaluated once into a constant; empty (no bound) when dbt is
    not executing, on a full build, without time_column, or when nothing
    landed. time_column must be not null in staging (a timestamp check
    quarantines the others). -#}
{% macro staged_since_earliest_landed(base, time_column, source_table=none) -%}
    {%- if base is not none and time_column and is_incremental() and evaluated_once() -%}
        {#- the timestamp rule of quarantine_reason(), not the whole reason: the
            other checks (orphans, enums) join the parents and cost the bound
            query seconds (a laxer bound only reads more staged rows) -#}
        {%- set earliest = run_query('select cast(min(' ~ time_column ~ ') as ' ~ dbt.type_string() ~ ') from '
                                     ~ base ~ ' where ' ~ time_column ~ " >= cast('" ~ var('earliest_valid_timestamp')
                                     ~ "' as " ~ dbt.type_timestamp() ~ ') and '
                                     ~ landed_in_lookback_window(source_table)).columns[0].values()[0] -%}
        {%- if earliest is not none -%}
            staged.{{ time_column }} >= cast('{{ earliest }}' as {{ dbt.type_timestamp() }}) and
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- Config of an event-grain staging table: appended to on incremental runs
    (append exists on DuckDB and on Spark's parquet tables). event_time_column:
    its not-null event time, which bounds the key lookups of a run
    (staged_since_earliest_landed(); the rejected-rows tables read it from meta). -#}
{% macro staging_incremental_config(event_time_column=none) -%}
    {{ return({'materialized': 'incremental', 'incremental_strategy': 'append', 'on_schema_change': 'fail',
               'meta': {'event_time_column': event_time_column}}) }}
{%- endmacro %}


{#- Config of a day-grain base whose affected days are rebuilt on an
    incremental run: DuckDB deletes the days and inserts them again
    (delete+insert on the day); Spark, which has no delete+insert on
    parquet, overwrites the days' partitions (insert_overwrite). -#}
{% macro affected_days_config(date_column) -%}
    {%- if target.type == 'spark' -%}
        {{ return({'materialized': 'incremental', 'incremental_strategy': 'insert_overwrite',
                   'partition_by': [date_column], 'on_schema_change': 'fail'}) }}
    {%- else -%}
        {{ return({'materialized': 'incremental', 'incremental_strategy': 'delete+insert',
                   'unique_key': date_column, 'on_schema_change': 'fail'}) }}
    {%- endif -%}
{%- endmacro %}


{#- Config of a system's rejected-rows table. DuckDB: incremental with the
    lookback_replace strategy below (the rows that landed inside the window
    are deleted and classified again: an orphan whose parent has landed since
    leaves the table as it enters staging). Spark: a full table, as its
    parquet tables have no delete. -#}
{% macro rejected_rows_config() -%}
    {%- if target.type == 'spark' -%}
        {{ return({'materialized': 'table'}) }}
    {%- else -%}
        {{ return({'materialized': 'incremental', 'incremental_strategy': 'lookback_replace',
                   'on_schema_change': 'fail'}) }}
    {%- endif -%}
{%- endmacro %}


{#- Custom incremental strategy (dbt picks get_incremental_<name>_sql):
    replace every target row that landed inside the lookback window of its
    source_table by the run's rows. The window starts are read from the
    target before the delete, the same expression the model's SQL used. -#}
{% macro get_incremental_lookback_replace_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    delete from {{ target }}
    using (
        select
            source_table,
            {{ dbt.dateadd('day', -1 * var('incremental_lookback_days', 3), 'max(_loaded_at)') }} as window_start
        from {{ target }}
        where _loaded_at <= {{ landing_clock() }}
        group by source_table
    ) as windows
    where
        {{ target }}.source_table = windows.source_table
        and {{ target }}._loaded_at > windows.window_start;
    {{ get_incremental_append_sql(arg_dict) }}
{%- endmacro %}


{#- SQL value of a one-column, one-row query, typed `type`: when dbt executes (and `now`),
    read now and written as a constant (null: cast(null as type)); otherwise the query as a
    subquery. -#}
{% macro value_read_once(query, type, now=true) -%}
    {%- if not (now and evaluated_once()) -%}
        {{ return('cast((' ~ query ~ ') as ' ~ type ~ ')') }}
    {%- endif -%}
    {%- set value = run_query('select cast((' ~ query ~ ') as ' ~ dbt.type_string() ~ ')').columns[0].values()[0] -%}
    {%- if value is none -%}
        {{ return('cast(null as ' ~ type ~ ')') }}
    {%- endif -%}
    {{ return("cast('" ~ value ~ "' as " ~ type ~ ")") }}
{%- endmacro %}
