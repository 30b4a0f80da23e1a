{#
    The reason a raw row is quarantined, or null when it passes every rule.
    The rules and their order are docs/cleaning_rules.md: the first rule a
    row breaks is its one reason, written `<category>:<column>`.

    Arguments (column names as they are in the raw contract):
      primary_key      list of key columns
      required_ids     foreign keys that must be present
      optional_ids     foreign keys that may be null (pattern-checked if not)
      enums            list of [column, enum name in var('enums') | 'country', nullable?]
      amounts          columns that must be >= 0
      weights          columns that must be > 0 (sampling weights)
      bounded          other numeric columns with a plausible range
      timestamps       timestamp columns checked against 2015 and _loaded_at;
                       required (not null) unless listed in nullable_timestamps
      nullable_timestamps  the timestamps that may be null (e.g. left_at)
      unbounded_timestamps timestamps only checked for being readable (may be
                       null or later than _loaded_at: experiments.ended_at)

    Timestamps come from typed_timestamp() (macros/cross_engine/utc_timestamp.sql),
    which also gives <column>__is_unparseable; _loaded_at is one of them.
    Amounts, weights and bounded columns are checked against their range in
    var('plausible_ranges') (keyed by raw column name) when it has one.
      orphans          list of [column, parent key expression that is null
                       when the left join found no parent]

    A foreign key that found its parent is present and well formed: parents
    are staged keys, which passed these same checks. Its null and pattern
    checks are therefore only evaluated when the parent is missing, which
    gives every row the same reason and skips most of the regular-expression
    work (four of the five patterns of an app event).
#}
{% macro quarantine_reason(
    primary_key,
    required_ids=[],
    optional_ids=[],
    enums=[],
    amounts=[],
    weights=[],
    bounded=[],
    timestamps=[],
    nullable_timestamps=[],
    unbounded_timestamps=[],
    orphans=[]
) -%}
    {%- set id_pattern = var('id_pattern') -%}
    {%- set enum_lists = var('enums') -%}
    {%- set unmatched = {} -%}
    {%- for orphan in orphans -%}
        {%- do unmatched.update({orphan[0]: orphan[1] ~ ' is null and '}) -%}
    {%- endfor -%}
    {%- set ranges = var('plausible_ranges') -%}
    case
        when _loaded_at__is_unparseable
            then 'unparseable_timestamp:_loaded_at'
        when _loaded_at is null
            then 'null_timestamp:_loaded_at'
        when _loaded_at > {{ landing_clock() }}
            then 'future_timestamp:_loaded_at'
        {%- for column in primary_key %}
        when {{ column }} is null or trim({{ column }}) = ''
            then 'null_id:{{ column }}'
        {%- endfor %}
        {%- for column in primary_key if column not in ['country', 'program'] %}
        when not {{ regex_matches(column, id_pattern) }}
            then 'malformed_id:{{ column }}'
        {%- endfor %}
        {%- for column in required_ids %}
        when {{ unmatched.get(column, '') }}({{ column }} is null or trim({{ column }}) = '')
            then 'null_id:{{ column }}'
        {%- endfor %}
        {%- for column in required_ids + optional_ids %}
        when {{ unmatched.get(column, '') }}{{ column }} is not null and not {{ regex_matches(column, id_pattern) }}
            then 'malformed_id:{{ column }}'
        {%- endfor %}
        {%- for enum in enums %}
        {%- set column, enum_name = enum[0], enum[1] %}
        {%- set nullable = enum[2] if enum | length > 2 else false %}
        {%- if enum_name == 'country' %}
        when {{ "" if nullable else column ~ " is null or " }}not {{ regex_matches(column, var('country_pattern')) }}
        {%- else %}
        when {{ "" if nullable else column ~ " is null or " }}{{ column }} not in (
            {%- for value in enum_lists[enum_name] -%}
            '{{ value }}'{{ ", " if not loop.last }}
            {%- endfor -%}
        )
        {%- endif %}
            then 'unknown_enum:{{ column }}'
        {%- endfor %}
        {%- for column in amounts %}
        when {{ column }} < 0
            then 'negative_amount:{{ column }}'
        {%- endfor %}
        {%- for column in weights %}
        when {{ column }} is null or {{ column }} <= 0
            then 'negative_amount:{{ column }}'
        {%- endfor %}
        {%- for column in amounts + weights + bounded if column in ranges %}
        {%- set low, high = ranges[column] %}
        when {{ column }} < {{ low }} or {{ column }} > {{ high }}
            then 'implausible_value:{{ column }}'
        {%- endfor %}
        {%- for column in timestamps + unbounded_timestamps %}
        when {{ column }}__is_unparseable
            then 'unparseable_timestamp:{{ column }}'
        {%- endfor %}
        {%- for column in timestamps if column not in nullable_timestamps %}
        when {{ column }} is null
            then 'null_timestamp:{{ column }}'
        {%- endfor %}
        {%- for column in timestamps %}
        when {{ column }} < cast('{{ var("earliest_valid_timestamp") }}' as {{ dbt.type_timestamp() }})
            then 'timestamp_before_2015:{{ column }}'
        {%- endfor %}
        {%- for column in timestamps %}
        when {{ column }} > _loaded_at
            then 'future_timestamp:{{ column }}'
        {%- endfor %}
        {%- for orphan in orphans %}
        when {{ orphan[0] }} is not null and {{ orphan[1] }} is null
            then 'orphan_fk:{{ orphan[0] }}'
        {%- endfor %}
    end
{%- endmacro %}
