{#
    A raw timestamp column as a UTC timestamp, or null when it cannot be read.

    The contract types timestamps as TIMESTAMP (UTC), but a file can carry
    them as text: `2026-09-01 10:00:00+02:00` must become 08:00 UTC, not lose
    its offset, and `not a date` must become null (quarantined as
    `unparseable_timestamp:<column>`), not stop the domain with a cast error.

    DuckDB: a text to TIMESTAMP cast drops the offset, so text goes through
    TIMESTAMPTZ (the profile sets TimeZone = UTC). The branch is chosen on
    typeof(), which DuckDB folds to a constant, so a typed column costs a
    plain cast (the TIMESTAMPTZ round trip is measurably slower:
    docs/benchmarks.md, Design measurements) and filters on it still reach
    the Parquet scan. Spark's cast of text honours
    the offset and converts to the session time zone (UTC).
#}
{% macro utc_timestamp(column) -%}
    {{ return(adapter.dispatch('utc_timestamp')(column)) }}
{%- endmacro %}

{% macro default__utc_timestamp(column) -%}
    case
        when typeof({{ column }}) = 'VARCHAR'
            then cast(try_cast(cast({{ column }} as varchar) as timestamptz) as timestamp)
        else try_cast({{ column }} as timestamp)
    end
{%- endmacro %}

{% macro spark__utc_timestamp(column) -%}
    try_cast({{ column }} as timestamp)
{%- endmacro %}


{#- Two select items of a base view's `typed` step for a raw timestamp
    column: the UTC timestamp under the column's name, and
    <column>__is_unparseable, true when a value was present but could not be
    read (quarantine_reason() turns it into `unparseable_timestamp:<column>`). -#}
{% macro typed_timestamp(column) -%}
    {{ utc_timestamp(column) }} as {{ column }},
    {{ column }} is not null and {{ utc_timestamp(column) }} is null as {{ column }}__is_unparseable
{%- endmacro %}
