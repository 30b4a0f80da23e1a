{#
    Landing order of a clean raw row among the clean rows with the same
    primary key: 1 for the copy that landed first (smallest _loaded_at),
    2, 3, ... for copies that landed later. Staging keeps order 1; clean rows
    of order > 1 are duplicates (docs/cleaning_rules.md). Apply it to clean
    rows only (quarantined rows keep their reason whatever their order):
    partitioning by the quarantine reason as well cost 45 % more on 10M
    events. Needs `_loaded_at` in scope.

    The window lives in the consumers (stg_ and rejected-rows models), not in
    the base_ views: a filter on _loaded_at cannot be pushed through a window
    into the parquet scan, and incremental runs filter on _loaded_at.
#}
{% macro landing_order(primary_key) -%}
    row_number() over (
        partition by {{ primary_key | join(', ') }}
        order by _loaded_at asc nulls last
    )
{%- endmacro %}
