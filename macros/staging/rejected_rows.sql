{#
    Body of stg_<system>__rejected_rows: every raw row of the system's tables
    that staging did not keep (quarantined with a reason, or a later-landed
    duplicate), one row per rejected raw row, raw values kept as JSON.

    tables: list of [table, [primary key columns as named in the base model]]
    incremental: the system has incremental staging tables; its rejected rows
    are then incremental too (rejected_rows_config, docs/incremental.md): a
    run classifies the raw rows that landed inside the lookback window of
    their table again (counted back from that table's newest rejected row)
    and replaces those rows.
#}
{% macro rejected_rows(system, tables, incremental=false) %}
{%- if incremental %}{{ config(**rejected_rows_config()) }}{% endif %}
{%- set replaces_window = incremental and is_incremental() %}

with

{% for table, key_columns in tables %}
{%- set staged = ref('stg_' ~ system ~ '__' ~ table) %}
{%- set base = ref('base_' ~ system ~ '__' ~ table) %}
{%- set raw_columns = base_raw_row_columns(system, table) %}
{#- the staged rows a key lookup reads: those since the earliest landed row
    (the staged model's meta.event_time_column) -#}
{%- set since = staged_since_earliest_landed(base, staged_event_time_column(system, table), table)
    if replaces_window else '' %}
{#- the rows that landed inside the window, as a derived table and not a
    CTE: DuckDB materializes a CTE read more than once (every column of every
    raw row, which fills the disk at the largest benchmark size) -#}
{%- set landed -%}
    (select * from {{ base }} where {{ landed_in_lookback_window(table) }})
{%- endset %}
-- the clean copies of keys that landed more than once, numbered by landing
-- order: only these keys can have duplicates, so the window sorts a handful
-- of rows instead of every raw row with all its columns
repeated_{{ table }} as (

    {{ clean_rows_in_landing_order(base, key_columns, only_repeated=true, source_table=table) }}

),

{%- if replaces_window %}
-- on an incremental run, the window rows whose key is staged from a copy that
-- landed earlier (duplicates even when first inside the window): found on the
-- key and landing time alone, so the full raw rows are read once, below
duplicates_of_staged_{{ table }} as (

    select distinct
        {% for column in key_columns -%}
        landed.{{ column }},
        {% endfor -%}
        landed._loaded_at,
        1 as is_duplicate_of_staged
    from (
        select {% for column in key_columns %}{{ column }}, {% endfor %}_loaded_at
        from {{ base }}
        where {{ landed_in_lookback_window(table) }}
    ) as landed
    inner join {{ staged }} as staged
        on {{ staged_earlier_than('landed', key_columns, since) }}

),

{%- set landed -%}
    (
        select
            landed.*,
            duplicates.is_duplicate_of_staged
        from {{ landed }} as landed
        left join duplicates_of_staged_{{ table }} as duplicates
            on
                {% for column in key_columns -%}
                landed.{{ column }} = duplicates.{{ column }}
                and {% endfor -%}
                landed._loaded_at = duplicates._loaded_at
    )
{%- endset %}
{%- endif %}

rejected_{{ table }} as (

    -- quarantined rows, and on an incremental run the clean window rows whose
    -- key is staged from an earlier copy
    select
        {{ rejected_row_columns(table, key_columns, raw_columns) }}
    from {{ landed }} as landed
    where
        quarantine_reason is not null
        {%- if replaces_window %}
        or is_duplicate_of_staged = 1
        {%- endif %}

    union all

    -- later copies of keys repeated inside the scope, unless the key is
    -- staged from a copy before them (the rows above)
    select
        {{ rejected_row_columns(table, key_columns, raw_columns) }}
    from repeated_{{ table }} as clean
    where
        clean.landing_order > 1
        {%- if replaces_window %}
        and not {{ staged_from_earlier_copy(staged, 'clean', key_columns, since) }}
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

    {% for table, _ in tables -%}
    select
        source_table,
        count(*) as kept_row_count
    from {{ this }}
    where
        source_table = '{{ table }}'
        and _loaded_at <= {{ incremental_lookback_start('_loaded_at', source_table=table) }}
    group by source_table
    {% if not loop.last %}union all
    {% endif %}
    {%- endfor %}

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

{#- The columns every rejected row carries, from a raw row in scope. -#}
{% macro rejected_row_columns(table, key_columns, raw_columns) -%}
        '{{ table }}' as source_table,
        {{ rejected_row_key(key_columns) }} as row_key,
        quarantine_reason,
        _loaded_at,
        {{ row_as_json(raw_columns) }} as raw_row_json
{%- endmacro %}

{#- True when the key of raw row `alias` is staged from a copy that landed
    before it (so the row is a duplicate even if it is the first copy inside
    the lookback window). since: staged_since_earliest_landed(). -#}
{% macro staged_from_earlier_copy(staged, alias, key_columns, since='') -%}
    exists (
        select 1
        from {{ staged }} as staged
        where {{ staged_earlier_than(alias, key_columns, since) }}
    )
{%- endmacro %}

{#- The condition of staged_from_earlier_copy() on a staged row (alias `staged`): same
    key as raw row `alias`, landed before it; also a join condition. -#}
{% macro staged_earlier_than(alias, key_columns, since='') -%}
    {{ since }}
    {% for column in key_columns -%}
    staged.{{ column }} = {{ alias }}.{{ column }}
    and {% endfor -%}
    staged._loaded_at < {{ alias }}._loaded_at
{%- endmacro %}

{#- The raw columns a base_ view lists in meta.raw_row_json (names, or
    [raw name, column] where the view renamed it), for row_as_json(): a
    column whose YAML has meta contains_pii: true becomes [raw name, its
    hash_pii()], so the JSON keeps PII hashed like the staged tables do. A
    placeholder at parse time, when the graph is not loaded yet. -#}
{% macro base_raw_row_columns(system, table) -%}
    {%- if not execute -%}
        {{ return(['_loaded_at']) }}
    {%- endif -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.base_' ~ system ~ '__' ~ table) -%}
    {%- set columns = node.config.meta.get('raw_row_json') if node else none -%}
    {%- if not columns -%}
        {{ exceptions.raise_compiler_error('base_' ~ system ~ '__' ~ table ~ ' has no meta.raw_row_json: list the raw columns its rejected rows keep as JSON') }}
    {%- endif -%}
    {%- set json_columns = [] -%}
    {%- for column in columns -%}
        {%- set described = node.columns.get(json_value(column), {}) -%}
        {%- if described.get('config', {}).get('meta', {}).get('contains_pii') -%}
            {%- do json_columns.append([json_key(column), hash_pii(json_value(column))]) -%}
        {%- else -%}
            {%- do json_columns.append(column) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(json_columns) }}
{%- endmacro %}

{# The key of a rejected row as one string; composite keys joined with '|'. #}
{% macro rejected_row_key(key_columns) -%}
    {%- if key_columns | length == 1 -%}
        cast({{ key_columns[0] }} as {{ dbt.type_string() }})
    {%- else -%}
        {{ dbt.concat(key_columns_with_separator(key_columns)) }}
    {%- endif -%}
{%- endmacro %}

{# ['a', 'b'] -> ['a', "'|'", 'b'], the arguments of dbt.concat for a composite key. #}
{% macro key_columns_with_separator(key_columns) %}
    {%- set parts = [] -%}
    {%- for column in key_columns -%}
        {%- do parts.append(column) -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ return(parts) }}
{% endmacro %}


{#- meta.event_time_column of stg_<system>__<table> (set through
    staging_incremental_config()), or none. -#}
{% macro staged_event_time_column(system, table) -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.stg_' ~ system ~ '__' ~ table) if execute else none -%}
    {{ return(node.config.meta.get('event_time_column') if node else none) }}
{%- endmacro %}
