{#
    True for a clean row whose primary key was already staged from a copy
    that landed earlier (smallest _loaded_at wins). Quarantined rows are never
    duplicates: they keep their quarantine reason. Needs `quarantine_reason`
    and `_loaded_at` in scope.
#}
{% macro is_duplicate_row(primary_key) -%}
    coalesce(
        quarantine_reason is null
        and row_number() over (
            partition by {{ primary_key | join(', ') }}, quarantine_reason
            order by _loaded_at asc nulls last
        ) > 1,
        false
    )
{%- endmacro %}
