{#
    Body of stg_<system>__rejected_rows: every raw row of the system's tables
    that staging did not keep (quarantined with a reason, or a later-landed
    duplicate), one row per rejected raw row, raw values kept as JSON.

    tables: list of [table, [primary key columns as named in the base model]]
#}
{% macro rejected_rows(system, tables) %}

with

{% for table, key_columns in tables %}
rejected_{{ table }} as (

    select
        '{{ table }}' as source_table,
        {% if key_columns | length == 1 -%}
        cast({{ key_columns[0] }} as {{ dbt.type_string() }}) as row_key,
        {%- else -%}
        {{ dbt.concat(key_columns_with_separator(key_columns)) }} as row_key,
        {%- endif %}
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_' ~ system ~ '__' ~ table) }}
    where quarantine_reason is not null or is_duplicate

),

{% endfor %}
unioned as (

    {% for table, _ in tables -%}
    select * from rejected_{{ table }}
    {% if not loop.last %}union all
    {% endif %}
    {%- endfor %}

),

final as (

    select
        source_table,
        row_number() over (
            partition by source_table
            order by _loaded_at asc nulls last, row_key asc nulls last, raw_row_json asc
        ) as rejected_row_number,
        row_key,
        case when is_duplicate then 'duplicate' else 'quarantined' end as rejection_kind,
        coalesce(quarantine_reason, 'duplicate') as rejection_reason,
        {{ dbt.split_part("coalesce(quarantine_reason, 'duplicate')", "':'", 1) }} as reason_category,
        _loaded_at,
        raw_row_json
    from unioned

)

select * from final

{% endmacro %}

{# ['a', 'b'] -> ['a', "'|'", 'b'], the arguments of dbt.concat for a composite key. #}
{% macro key_columns_with_separator(key_columns) %}
    {%- set parts = [] -%}
    {%- for column in key_columns -%}
        {%- do parts.append(column) -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ return(parts) }}
{% endmacro %}
