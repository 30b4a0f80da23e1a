{#- The lookback window on _loaded_at (docs/incremental.md; each macro's contract is in
    _incremental__macros.yml). A run reprocesses what landed within the window, so late files
    and orphans whose parent has landed since are picked up, and a re-run changes nothing.
    Window bounds are read once and written into the SQL as constants: the engines skip row
    groups (DuckDB zonemaps, Parquet statistics) only on a comparison with a constant. -#}

{#- not in a unit test: its `this` and inputs are CTEs of the test's own query -#}
{% macro evaluated_once() -%}
    {{ return(execute and not (model is defined and model.resource_type == 'unit_test')) }}
{%- endmacro %}

{#- Rows after landing_clock() do not count: one row from a wrong clock would move every later
    window past the night's rows. A rejected-rows table counts back per source_table, as its
    raw tables land at different times. -#}
{% macro incremental_lookback_start(column='_loaded_at', source_table=none) -%}
    {%- set newest -%}
        (select max({{ column }}) from {{ this }}
         where {{ column }} <= {{ landing_clock() }}
         {%- if source_table %} and source_table = '{{ source_table }}'{% endif %})
    {%- endset -%}
    {%- set start -%}
        coalesce(
            cast({{ dbt.dateadd('day', -1 * var('incremental_lookback_days', 3), newest) }} as {{ dbt.type_timestamp() }}),
            cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }})
        )
    {%- endset -%}
    {{ value_read_once('select ' ~ start, dbt.type_timestamp()) if evaluated_once() else start }}
{%- endmacro %}

{% macro landed_in_lookback_window(source_table=none, watermark='_loaded_at') -%}
    {%- if is_incremental() -%}
        _loaded_at > {{ incremental_lookback_start(watermark, source_table=source_table) }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{% macro event_days_landed_in_window(relation, time_column='event_at') -%}
    select distinct cast({{ time_column }} as date)
    from {{ relation }}
    where _loaded_at > {{ incremental_lookback_start('max_loaded_at') }}
{%- endmacro %}

{#- from_column bounds the scan by a constant too, so it skips the older row groups -#}
{% macro in_days_of(day, days_query, from_column=none) -%}
    {%- set days = days_of(days_query) if evaluated_once() else none -%}
    {%- if days is none -%}
        {{ day }} in ({{ days_query }})
    {%- elif not days -%}
        false
    {%- else -%}
        {%- if from_column -%}
            {{ from_column }} >= cast('{{ days[0] }} 00:00:00' as {{ dbt.type_timestamp() }}) and {% endif -%}
        {{ day }} in ({% for d in days %}cast('{{ d }}' as date){{ ', ' if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{#- a model that filters several relations on the same days runs the days query once -#}
{% macro days_read_once(days_query) -%}
    {%- if not evaluated_once() -%}
        {{ return(days_query) }}
    {%- endif -%}
    {%- set selects = [] -%}
    {%- for d in days_of(days_query) -%}
        {%- do selects.append("select cast('" ~ d ~ "' as date)") -%}
    {%- endfor -%}
    {{ return(selects | join(' union all ') or 'select cast(null as date)') }}
{%- endmacro %}

{% macro days_of(days_query) -%}
    {%- set days = [] -%}
    {%- for value in run_query('select cast(days.d as ' ~ dbt.type_string() ~ ') from (' ~ days_query
                               ~ ') as days (d) where days.d is not null').columns[0].values() -%}
        {%- do days.append(value[:10] if value is string else value.strftime('%Y-%m-%d')) -%}
    {%- endfor -%}
    {{ return(days | unique | sort) }}
{%- endmacro %}

{% macro earliest_event_day_landed_in_window(relation) -%}
    {%- set earliest = 'select min(days.d) from (' ~ event_days_landed_in_window(relation) ~ ') as days (d)' -%}
    {{ value_read_once(earliest, 'date') if evaluated_once() else '(' ~ earliest ~ ')' }}
{%- endmacro %}

{#- not exists against every earlier run: a duplicate landing long after its first copy is
    never staged -#}
{% macro not_staged_yet(primary_key, alias, base) -%}
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

{#- A duplicate carries its first copy's contents, so a staged row older than every landed
    row cannot share a landed key: the key lookup reads only the recent staged rows. Only
    the timestamp rule of the quarantine: the whole reason joins the parents, and a laxer
    bound just reads more rows. -#}
{% macro staged_since_earliest_landed(base, time_column, source_table=none) -%}
    {%- if time_column and evaluated_once() -%}
        {%- set earliest = run_query('select cast(min(' ~ time_column ~ ') as ' ~ dbt.type_string() ~ ') from '
                                     ~ base ~ ' where ' ~ time_column ~ " >= cast('" ~ var('earliest_valid_timestamp')
                                     ~ "' as " ~ dbt.type_timestamp() ~ ') and '
                                     ~ landed_in_lookback_window(source_table)).columns[0].values()[0] -%}
        {%- if earliest is not none -%}
            staged.{{ time_column }} >= cast('{{ earliest }}' as {{ dbt.type_timestamp() }}) and
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- append exists on DuckDB and on Spark's parquet tables -#}
{% macro staging_incremental_config(event_time_column) -%}
    {{ return({'materialized': 'incremental', 'incremental_strategy': 'append', 'on_schema_change': 'fail',
               'meta': {'event_time_column': event_time_column}}) }}
{%- endmacro %}

{#- Spark has no delete+insert on parquet: it overwrites the days' partitions -#}
{% macro affected_days_config(date_column) -%}
    {%- set settings = {'materialized': 'incremental', 'on_schema_change': 'fail'} -%}
    {%- do settings.update({'incremental_strategy': 'insert_overwrite', 'partition_by': [date_column]}
                         if target.type == 'spark' else {'incremental_strategy': 'delete+insert', 'unique_key': date_column}) -%}
    {{ return(settings) }}
{%- endmacro %}

{#- Strategy of the rejected-rows tables (dbt finds it by name): the window rows are
    classified again, so an orphan whose parent has landed leaves the table as it enters
    staging. The windows are read before the delete, as the model's SQL read them. -#}
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

{% macro value_read_once(query, type) -%}
    {%- if not evaluated_once() -%}
        {{ return('cast((' ~ query ~ ') as ' ~ type ~ ')') }}
    {%- endif -%}
    {%- set value = run_query('select cast((' ~ query ~ ') as ' ~ dbt.type_string() ~ ')').columns[0].values()[0] -%}
    {{ return('cast(null as ' ~ type ~ ')' if value is none else "cast('" ~ value ~ "' as " ~ type ~ ")") }}
{%- endmacro %}
