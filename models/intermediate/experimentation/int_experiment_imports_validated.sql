{#
    A table, not a view: it is a validated snapshot of the import files (and on Spark it reads
    temporary views, which a permanent view may not reference). Every check runs before the
    table is replaced, so a bad file stops the build with an error naming the file and the
    problem, and the existing table and the marts stay as they were.
#}
{{ config(materialized='table') }}
-- The SQL below is assembled from Jinja strings, which sqlfluff cannot lay out.
-- noqa: disable=LT02

{#- Listing, escaping and checks live in macros/statistics/experiment_imports.sql. -#}
{%- set columns = experiment_import_columns() -%}
{%- set files = experiment_import_files() if execute else [] -%}
{%- set selects = [] -%}
{%- for f in files -%}
    {%- do selects.append(experiment_import_file_select(f)) -%}
{%- endfor -%}

{%- set typed_sql -%}
    select
        source_file,
        experiment_id,
        unit_id,
        variant,
        metric_name,
        case
            when lower(is_control) in ('true', 't', '1', 'yes') then true
            when lower(is_control) in ('false', 'f', '0', 'no') then false
        end as is_control,
        try_cast(numerator as double) as numerator,
        coalesce(try_cast(denominator as double), 1.0e0) as denominator,
        try_cast(covariate as double) as covariate,
        try_cast(traffic_share as double) as traffic_share,
        lower(nullif(metric_role, '')) as metric_role,
        lower(nullif(preferred_direction, '')) as preferred_direction,
        try_cast(non_inferiority_margin as double) as non_inferiority_margin,
        is_control as is_control_text,
        numerator as numerator_text,
        denominator as denominator_text,
        covariate as covariate_text,
        traffic_share as traffic_share_text,
        non_inferiority_margin as non_inferiority_margin_text
    from (
    {%- if selects %}
        {{ selects | join('\n        union all\n        ') }}
    {%- else %}
        select
            {% for c in ['source_file'] + columns['required'] + columns['optional'] -%}
        cast(null as {{ dbt.type_string() }}) as {{ c }}{{ ',' if not loop.last }}
        {% endfor -%}
        where 1 = 0
    {%- endif %}
    ) as raw_rows
{%- endset -%}

{%- if execute and selects -%}
    {%- do check_experiment_imports(files, typed_sql) -%}
{%- endif %}

with

typed as (

    {{ typed_sql }}

),

unit_variants as (

    select
        experiment_id,
        unit_id,
        cast(count(distinct variant) as {{ dbt.type_bigint() }}) as variant_count
    from typed
    group by experiment_id, unit_id

),

final as (

    select
        typed.source_file,
        typed.experiment_id,
        typed.unit_id,
        typed.variant,
        typed.is_control,
        typed.metric_name,
        typed.numerator,
        typed.denominator,
        typed.covariate,
        typed.traffic_share,
        coalesce(typed.metric_role, 'secondary') as metric_role,
        coalesce(typed.preferred_direction, 'increase') as preferred_direction,
        -- a margin belongs to a guardrail: on another role it has no test to drive
        case when typed.metric_role = 'guardrail' then typed.non_inferiority_margin end as non_inferiority_margin,
        coalesce(unit_variants.variant_count > 1, false) as is_in_multiple_variants
    from typed
    inner join unit_variants
        on typed.experiment_id = unit_variants.experiment_id
            and typed.unit_id = unit_variants.unit_id

)

select * from final
