{#
    Nothing is silently dropped in staging: for one raw table,
        raw rows = staged rows + quarantined rows + duplicates removed.
    The raw count is read straight from the landing zone, not from the base
    model, so a staging model that loses rows fails this test. Returns one
    row (the four counts) when they do not add up.

    When dbt runs the test (test or build) and the counts do not add up, it
    stops with an error that names the table, the landing dates whose rows
    do not add up and the remedy (reconciliation_failure_message()): a
    failing row count alone told nobody what to do.
#}
{% test rows_reconcile_with_raw(model, system, table, rejected_rows) %}

{%- set compared -%}
with

raw_rows as (
    select count(*) as row_count from {{ raw_table(system, table) }}
),

staged_rows as (
    select count(*) as row_count from {{ model }}
),

rejected as (
    select
        sum(case when rejection_kind = 'quarantined' then 1 else 0 end) as quarantined_count,
        sum(case when rejection_kind = 'duplicate' then 1 else 0 end) as duplicate_count
    from {{ rejected_rows }}
    where source_table = '{{ table }}'
),

compared as (
    select
        raw_rows.row_count as raw_count,
        staged_rows.row_count as staged_count,
        coalesce(rejected.quarantined_count, 0) as quarantined_count,
        coalesce(rejected.duplicate_count, 0) as duplicate_count
    from raw_rows
    cross join staged_rows
    cross join rejected
)

select *
from compared
where raw_count != staged_count + quarantined_count + duplicate_count
{%- endset -%}

{%- if execute and flags.WHICH in ['test', 'build'] -%}
    {%- set failed = run_query(compared) -%}
    {%- if failed.rows | length > 0 -%}
        {{ exceptions.raise_compiler_error(reconciliation_failure_message(model, system, table, rejected_rows, failed.rows[0])) }}
    {%- endif -%}
{%- endif -%}

{{ compared }}

{% endtest %}

