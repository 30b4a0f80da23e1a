{#
    Body of stg_<system>__rejected_rows: every raw row of the system's tables
    that staging did not keep (quarantined with a reason, or a later-landed
    duplicate), one row per rejected raw row, raw values kept as JSON.

    tables: list of [table, [primary key columns as named in the base model]]
    incremental: the system has incremental staging tables; its rejected rows
    are then incremental too (rejected_rows_config, docs/incremental.md): a
    run classifies the raw rows that landed inside the lookback window again
    and replaces those rows of the table.
#}
{% macro rejected_rows(system, tables, incremental=false) %}
{%- if incremental %}{{ config(**rejected_rows_config()) }}{% endif %}
{%- set replaces_window = incremental and is_incremental() %}

with

{% for table, key_columns in tables %}
{%- set staged = ref('stg_' ~ system ~ '__' ~ table) %}
landed_{{ table }} as (

    select * from {{ ref('base_' ~ system ~ '__' ~ table) }} as base
    where {{ landed_in_lookback_window('base') if replaces_window else 'true' }}

),

ranked_{{ table }} as (

    select
        landed_{{ table }}.*,
        {{ landing_order(key_columns) }} as landing_order
    from landed_{{ table }}

),

rejected_{{ table }} as (

    select
        '{{ table }}' as source_table,
        {% if key_columns | length == 1 -%}
        cast({{ key_columns[0] }} as {{ dbt.type_string() }}) as row_key,
        {%- else -%}
        {{ dbt.concat(key_columns_with_separator(key_columns)) }} as row_key,
        {%- endif %}
        quarantine_reason,
        _loaded_at,
        raw_row_json
    from ranked_{{ table }} as ranked
    where
        ranked.quarantine_reason is not null
        or ranked.landing_order > 1
        {%- if replaces_window %}
        -- the first copy inside the window of a key staged from an earlier copy
        or exists (
            select 1
            from {{ staged }} as staged
            where
                {% for column in key_columns -%}
                staged.{{ column }} = ranked.{{ column }}
                and {% endfor -%}
                staged._loaded_at < ranked._loaded_at
        )
        {%- endif %}

),

{% endfor %}
unioned as (

    {% for table, _ in tables -%}
    select * from rejected_{{ table }}
    {% if not loop.last %}union all
    {% endif %}
    {%- endfor %}

),

{% if replaces_window -%}
-- rows of the target that stay: numbering continues after them
kept_rows as (

    select
        source_table,
        count(*) as kept_row_count
    from {{ this }}
    where _loaded_at <= {{ incremental_lookback_start('_loaded_at') }}
    group by source_table

),

{% endif -%}
final as (

    select
        unioned.source_table,
        row_number() over (
            partition by unioned.source_table
            order by unioned._loaded_at asc nulls last, unioned.row_key asc nulls last, unioned.raw_row_json asc
        ){% if replaces_window %} + coalesce(kept_rows.kept_row_count, 0){% endif %} as rejected_row_number,
        unioned.row_key,
        case when unioned.quarantine_reason is null then 'duplicate' else 'quarantined' end as rejection_kind,
        coalesce(unioned.quarantine_reason, 'duplicate') as rejection_reason,
        {{ dbt.split_part("coalesce(unioned.quarantine_reason, 'duplicate')", "':'", 1) }} as reason_category,
        unioned._loaded_at,
        unioned.raw_row_json
    from unioned
    {%- if replaces_window %}
    left join kept_rows
        on unioned.source_table = kept_rows.source_table
    {%- endif %}

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
