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
      timestamps       timestamp columns checked against 2015 and _loaded_at
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
    timestamps=[],
    orphans=[]
) -%}
    {%- set id_pattern = var('id_pattern') -%}
    {%- set enum_lists = var('enums') -%}
    {%- set unmatched = {} -%}
    {%- for orphan in orphans -%}
        {%- do unmatched.update({orphan[0]: orphan[1] ~ ' is null and '}) -%}
    {%- endfor -%}
    case
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
