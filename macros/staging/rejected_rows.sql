{#- Body of stg_<system>__rejected_rows: every raw row staging did not keep (quarantined, or a
    later-landed duplicate), raw values as JSON (arguments: _staging__macros.yml). Incremental
    (docs/incremental.md): a run classifies again the rows landed inside their table's window
    and replaces them (strategy lookback_replace). -#}
{% macro rejected_rows(system, tables, incremental=false) %}
{#- Spark: a full table, as its parquet tables have no delete -#}
{%- if incremental and target.type == 'spark' %}{{ config(materialized='table') }}
{%- elif incremental %}{{ config(materialized='incremental', incremental_strategy='lookback_replace',
                                 on_schema_change='fail') }}{% endif %}
{%- set replaces_window = incremental and is_incremental() %}

with

{% for table, key_columns in tables %}
{%- set staged = ref('stg_' ~ system ~ '__' ~ table) %}
{%- set base = ref('base_' ~ system ~ '__' ~ table) %}
{%- set raw_columns = base_raw_row_columns(system, table) %}
{#- the key lookups read the staged rows since the earliest landed one -#}
{%- set since = staged_since_earliest_landed(
        base, graph.nodes['model.' ~ project_name ~ '.stg_' ~ system ~ '__' ~ table].config.meta.get('event_time_column'),
        table) if replaces_window else '' %}
{#- a derived table: DuckDB materializes a CTE read twice, every column of every raw row -#}
{%- set landed -%}
    (select * from {{ base }} where {{ landed_in_lookback_window(table) }})
{%- endset %}
-- the clean copies of keys that landed more than once, by landing order: only these can
-- be duplicates, so the window sorts a handful of rows, not every raw row
repeated_{{ table }} as (

    {{ clean_rows_in_landing_order(base, key_columns, only_repeated=true, source_table=table) }}

),

{%- if replaces_window %}
-- window rows whose key is staged from an earlier-landed copy (duplicates even when first
-- inside the window), found on key and landing time so the raw rows are read once below
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

    -- quarantined rows, and the window rows duplicating a staged key
    select
        {{ rejected_row_columns(table, key_columns, raw_columns) }}
    from {{ landed }} as landed
    where
        quarantine_reason is not null
        {%- if replaces_window %}
        or is_duplicate_of_staged = 1
        {%- endif %}

    union all

    -- later copies of keys repeated in scope, unless staged from an earlier copy (rejected above)
    select
        {{ rejected_row_columns(table, key_columns, raw_columns) }}
    from repeated_{{ table }} as clean
    where
        clean.landing_order > 1
        {%- if replaces_window %}
        and not exists (
            select 1
            from {{ staged }} as staged
            where {{ staged_earlier_than('clean', key_columns, since) }}
        )
        {%- endif %}

),

{% endfor %}
unioned as (

    {% for table, _ in tables -%}
    {{ 'union all' if not loop.first }} select * from rejected_{{ table }}
    {% endfor %}

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

{#- row_key: the key as text, a composite key joined with '|' -#}
{% macro rejected_row_columns(table, key_columns, raw_columns) -%}
    {%- set key_parts = [] -%}
    {%- for column in key_columns %}{% do key_parts.extend([column] if loop.last else [column, "'|'"]) %}{% endfor -%}
        '{{ table }}' as source_table,
        {{ dbt.concat(key_parts) if key_parts | length > 1 else 'cast(' ~ key_columns[0] ~ ' as ' ~ dbt.type_string() ~ ')' }}
            as row_key,
        quarantine_reason,
        _loaded_at,
        {{ row_as_json(raw_columns) }} as raw_row_json
{%- endmacro %}

{% macro staged_earlier_than(alias, key_columns, since='') -%}
    {{ since }}
    {% for column in key_columns -%}
    staged.{{ column }} = {{ alias }}.{{ column }}
    and {% endfor -%}
    staged._loaded_at < {{ alias }}._loaded_at
{%- endmacro %}
