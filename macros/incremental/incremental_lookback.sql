{#-
    Incremental processing on _loaded_at with a lookback window
    (docs/incremental.md). A run reprocesses every row that landed within
    var('incremental_lookback_days', 3) days before the newest row already
    in the target: rows whose file reached the landing zone late, and orphans
    whose parent row has landed since, are picked up; rows already in the
    target are not inserted twice, so re-running a day changes nothing.
-#}

{#- SQL expression: the earliest _loaded_at (or other column) a run of
    {{ this }} reprocesses; 1900-01-01 when the target is empty. On Spark
    dateadd by days yields a date (midnight), a slightly longer window. -#}
{% macro incremental_lookback_start(column='_loaded_at') -%}
    coalesce(
        cast({{ dbt.dateadd('day', -1 * var('incremental_lookback_days', 3),
                            '(select max(' ~ column ~ ') from ' ~ this ~ ')') }} as {{ dbt.type_timestamp() }}),
        cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }})
    )
{%- endmacro %}


{#- The extra predicate of an incremental stg_ model over its base_ view
    (aliased `base`): on an incremental run, rows that landed inside the
    lookback window and whose key is not staged yet; otherwise true. -#}
{% macro staging_incremental_filter(primary_key) -%}
    {%- if is_incremental() -%}
        (
            base._loaded_at > {{ incremental_lookback_start('_loaded_at') }}
            and not exists (
                select 1
                from {{ this }} as staged
                where
                    staged.{{ primary_key }} = base.{{ primary_key }}
                    and staged._loaded_at > {{ incremental_lookback_start('_loaded_at') }}
            )
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- Config of an event-grain staging table: appended to on incremental runs
    (append exists on DuckDB and on Spark's parquet tables). -#}
{% macro staging_incremental_config() -%}
    {{ return({'materialized': 'incremental', 'incremental_strategy': 'append', 'on_schema_change': 'fail'}) }}
{%- endmacro %}


{#- Config of a daily aggregate whose affected days are rebuilt on an
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
