{#
    Landing order of a raw row among the rows with the same primary key and
    the same quarantine reason: 1 for the copy that landed first (smallest
    _loaded_at), 2, 3, ... for copies that landed later. Staging keeps the
    clean rows of order 1; clean rows of order > 1 are duplicates
    (docs/cleaning_rules.md). Quarantined rows keep their reason whatever
    their order. Needs `quarantine_reason` and `_loaded_at` in scope.

    The window lives in the consumers (stg_ and rejected-rows models), not in
    the base_ views: a filter on _loaded_at cannot be pushed through a window
    into the parquet scan, and incremental runs filter on _loaded_at.
#}
{% macro landing_order(primary_key) -%}
    row_number() over (
        partition by {{ primary_key | join(', ') }}, quarantine_reason
        order by _loaded_at asc nulls last
    )
{%- endmacro %}
