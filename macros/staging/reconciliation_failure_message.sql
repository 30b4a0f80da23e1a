{#- The error of a failed reconciliation: the counts, the landing dates
    (UTC) whose raw rows and staged + rejected rows differ, and the remedy. -#}
{% macro reconciliation_failure_message(model, system, table, rejected_rows, counts) %}
    {%- set by_landing_date -%}
        select landing_date, sum(raw_rows) as raw_rows, sum(kept_rows) as kept_rows
        from (
            select cast({{ utc_timestamp('_loaded_at') }} as date) as landing_date, 1 as raw_rows, 0 as kept_rows
            from {{ raw_table(system, table) }}
            union all
            select cast(_loaded_at as date), 0, 1 from {{ model }}
            union all
            select cast(_loaded_at as date), 0, 1 from {{ rejected_rows }} where source_table = '{{ table }}'
        ) as landed
        group by landing_date
        having sum(raw_rows) != sum(kept_rows)
        order by landing_date
    {%- endset -%}
    {%- set dates = [] -%}
    {%- for row in run_query(by_landing_date).rows -%}
        {%- do dates.append((row[0] | string) ~ ' (raw ' ~ row[1] ~ ', staged + rejected ' ~ row[2] ~ ')') -%}
    {%- endfor -%}
    {%- set earliest = (dates[0][:10]) if dates else 'YYYY-MM-DD' -%}
    {{ return(
        system ~ '.' ~ table ~ ' does not reconcile with ' ~ model ~ ' and ' ~ rejected_rows ~ ': raw '
        ~ counts[0] ~ ' rows != staged ' ~ counts[1] ~ ' + quarantined ' ~ counts[2] ~ ' + duplicates ' ~ counts[3]
        ~ '. Landing dates that differ: ' ~ (dates | join(', ') if dates else 'none (rows moved between dates)')
        ~ '. Staging tables are append-only: rows of a file that was removed or replaced stay staged, and raw rows'
        ~ ' that landed before the incremental window are never read. Remedy: after removing or fixing the bad'
        ~ ' file, `make repair LANDED_SINCE=' ~ earliest ~ '` (DuckDB; docs/incremental.md), or'
        ~ ' `dbt build --full-refresh`.'
    ) }}
{% endmacro %}
