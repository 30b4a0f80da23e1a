{#
    Landing order of a clean raw row among the clean rows with the same
    primary key: 1 for the copy that landed first (smallest _loaded_at),
    2, 3, ... for copies that landed later. Staging keeps order 1; clean rows
    of order > 1 are duplicates (docs/cleaning_rules.md). Apply it to clean
    rows only (quarantined rows keep their reason whatever their order):
    partitioning by the quarantine reason as well costs more (docs/benchmarks.md,
    Design measurements). Needs `_loaded_at` in scope.

    tie_breakers: columns that order copies landed at the same instant (the
    row's other raw columns, landing_order_tie_breakers()), so the order is
    total: the staged table and the rejected-rows table number the copies in
    separate windows, and with a tie each could otherwise keep a different
    copy (one copy counted twice, the other in neither).

    The window lives in the consumers (stg_ and rejected-rows models), not in
    the base_ views: a filter on _loaded_at cannot be pushed through a window
    into the parquet scan, and incremental runs filter on _loaded_at.
#}
{% macro landing_order(primary_key, tie_breakers=[]) -%}
    row_number() over (
        partition by {{ primary_key | join(', ') }}
        order by _loaded_at asc nulls last
            {%- for column in tie_breakers %}, {{ column }} asc nulls last{% endfor %}
    )
{%- endmacro %}


{#- The raw columns of a base_ view (its meta.raw_row_json, as named in the
    view) other than the key and _loaded_at: the tie-breakers of
    landing_order(). Empty at parse time and in a unit test, which has no
    graph (the test overrides this macro). `relation` is a ref() to the view. -#}
{% macro landing_order_tie_breakers(relation, primary_key) -%}
    {%- set name = (relation.identifier or (relation | string)) | replace('__dbt__cte__', '') | replace('"', '') -%}
    {%- set node = graph.get('nodes', {}).get('model.' ~ project_name ~ '.' ~ name) if execute else none -%}
    {%- set columns = node.config.meta.get('raw_row_json', []) if node else [] -%}
    {%- set tie_breakers = [] -%}
    {%- for column in columns if json_value(column) not in primary_key + ['_loaded_at'] -%}
        {%- do tie_breakers.append(json_value(column)) -%}
    {%- endfor -%}
    {{ return(tie_breakers) }}
{%- endmacro %}


{#
    The clean rows of a base_ view that landed inside the lookback window
    (all of them on a full build), with their landing order. Only keys with
    more than one landed copy go through the window, which carries every
    column through a sort; the other rows stream through an anti-join with
    order 1. The view is referenced, not a CTE over it: DuckDB materializes
    a CTE read more than once, every column of every row (docs/benchmarks.md,
    Design measurements).
    The repeated keys, a handful, are the one CTE that should be
    materialized: found once (a group by over every landed key), read twice.
    only_repeated: just the rows of repeated keys (what the rejected-rows
    tables look for duplicates in); DuckDB then filters the scan by those keys.
    source_table: the window of that raw table in a rejected-rows table.
#}
{% macro clean_rows_in_landing_order(relation, primary_key, only_repeated=false, source_table=none) -%}
    {%- set landed_rows -%}
        (select * from {{ relation }} where {{ landed_in_lookback_window(source_table) }})
    {%- endset -%}
    {%- set same_key -%}
        {%- for column in primary_key -%}
            repeated.{{ column }} = landed.{{ column }}{{ ' and ' if not loop.last }}
        {%- endfor -%}
    {%- endset -%}
    with

    repeated_keys as {{ materialized() }} (

        select {{ primary_key | join(', ') }}
        from {{ landed_rows }} as landed
        group by {{ primary_key | join(', ') }}
        having count(*) > 1

    )

    {% if not only_repeated -%}
    select
        landed.*,
        cast(1 as {{ dbt.type_bigint() }}) as landing_order
    from {{ landed_rows }} as landed
    where
        landed.quarantine_reason is null
        and not exists (
            select 1
            from repeated_keys as repeated
            where {{ same_key }}
        )

    union all

    {% endif -%}
    select
        landed.*,
        cast({{ landing_order(primary_key, landing_order_tie_breakers(relation, primary_key)) }} as {{ dbt.type_bigint() }}) as landing_order
    from {{ landed_rows }} as landed
    where
        landed.quarantine_reason is null
        and exists (
            select 1
            from repeated_keys as repeated
            where {{ same_key }}
        )
{%- endmacro %}
