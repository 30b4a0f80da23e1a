{#
    A table, not a view: it is a validated snapshot of the import files (and on Spark it reads
    temporary views, which a permanent view may not reference). Every check runs before the
    table is replaced, so a bad file stops the build with an error naming the file and the
    problem, and the existing table and the marts stay as they were.
#}
{{ config(materialized='table') }}
-- The SQL below is assembled from Jinja strings, which sqlfluff cannot lay out.
-- noqa: disable=LT02

{%- set required = ['experiment_id', 'unit_id', 'variant', 'is_control', 'metric_name', 'numerator'] -%}
{%- set optional = ['denominator', 'covariate', 'traffic_share'] -%}
{%- set files = experiment_import_files() if execute else [] -%}
{%- set selects = [] -%}
{%- for f in files -%}
    {%- set cols = {} -%}
    {%- for c in f['columns'] -%}{%- do cols.update({c | trim | lower: c}) -%}{%- endfor -%}
    {%- set missing = [] -%}
    {%- for c in required if c not in cols -%}{%- do missing.append(c) -%}{%- endfor -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error("Experiment import file " ~ f['file'] ~ ": missing required column(s) " ~ missing | join(', ') ~ " (header: " ~ f['columns'] | join(', ') ~ "). See docs/experimentation.md.") }}
    {%- endif -%}
    {%- set parts = ["'" ~ f['file'] ~ "' as source_file"] -%}
    {%- for c in required + optional -%}
        {%- if c in cols -%}
            {%- set quoted = ('`' ~ cols[c] ~ '`') if target.type == 'spark' else ('"' ~ cols[c] ~ '"') -%}
            {%- do parts.append('trim(cast(' ~ quoted ~ ' as ' ~ dbt.type_string() ~ ')) as ' ~ c) -%}
        {%- else -%}
            {%- do parts.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ c) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do selects.append('select ' ~ parts | join(', ') ~ ' from ' ~ f['relation']) -%}
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
        is_control as is_control_text,
        denominator as denominator_text,
        covariate as covariate_text,
        traffic_share as traffic_share_text
    from (
    {%- if selects %}
        {{ selects | join('\n        union all\n        ') }}
    {%- else %}
        select
            {% for c in ['source_file'] + required + optional -%}
        cast(null as {{ dbt.type_string() }}) as {{ c }}{{ ',' if not loop.last }}
        {% endfor -%}
        where 1 = 0
    {%- endif %}
    ) as raw_rows
{%- endset -%}

{%- if execute and selects -%}
    {%- set row_checks = [
        ("an empty experiment_id, unit_id, variant or metric_name",
         "coalesce(experiment_id, '') = '' or coalesce(unit_id, '') = '' or coalesce(variant, '') = '' or coalesce(metric_name, '') = ''"),
        ("a non-numeric or empty numerator", "numerator is null"),
        ("a non-numeric denominator", "denominator_text is not null and denominator_text <> '' and try_cast(denominator_text as double) is null"),
        ("a non-numeric covariate", "covariate_text is not null and covariate_text <> '' and try_cast(covariate_text as double) is null"),
        ("a non-numeric traffic_share", "traffic_share_text is not null and traffic_share_text <> '' and try_cast(traffic_share_text as double) is null"),
        ("an is_control value that is not true or false", "is_control is null"),
    ] -%}
    {%- for problem, condition in row_checks -%}
        {%- set bad = run_query('select source_file, experiment_id, unit_id, metric_name from (' ~ typed_sql ~ ') as t where ' ~ condition ~ ' limit 1') -%}
        {%- if bad.rows | length > 0 -%}
            {{ exceptions.raise_compiler_error("Experiment import file " ~ bad.rows[0][0] ~ ": " ~ problem ~ " (first bad row: experiment_id=" ~ bad.rows[0][1] ~ ", unit_id=" ~ bad.rows[0][2] ~ ", metric_name=" ~ bad.rows[0][3] ~ "). Nothing was loaded.") }}
        {%- endif -%}
    {%- endfor -%}
    {%- set controls = run_query('select min(source_file), experiment_id, count(distinct case when is_control then variant end) from (' ~ typed_sql ~ ') as t group by experiment_id having count(distinct case when is_control then variant end) <> 1 order by experiment_id limit 1') -%}
    {%- if controls.rows | length > 0 -%}
        {{ exceptions.raise_compiler_error("Experiment import file " ~ controls.rows[0][0] ~ ": experiment " ~ controls.rows[0][1] ~ " has " ~ controls.rows[0][2] ~ " control variants (is_control must be true for exactly one variant). Nothing was loaded.") }}
    {%- endif -%}
    {%- set mixed = run_query('select min(source_file), experiment_id, variant from (' ~ typed_sql ~ ') as t group by experiment_id, variant having count(distinct is_control) > 1 limit 1') -%}
    {%- if mixed.rows | length > 0 -%}
        {{ exceptions.raise_compiler_error("Experiment import file " ~ mixed.rows[0][0] ~ ": variant " ~ mixed.rows[0][2] ~ " of experiment " ~ mixed.rows[0][1] ~ " is marked both control and not control. Nothing was loaded.") }}
    {%- endif -%}
    {%- set dupes = run_query('select min(source_file), experiment_id, unit_id, metric_name, variant from (' ~ typed_sql ~ ') as t group by experiment_id, unit_id, metric_name, variant having count(*) > 1 limit 1') -%}
    {%- if dupes.rows | length > 0 -%}
        {{ exceptions.raise_compiler_error("Experiment import file " ~ dupes.rows[0][0] ~ ": duplicate rows for experiment_id=" ~ dupes.rows[0][1] ~ ", unit_id=" ~ dupes.rows[0][2] ~ ", metric_name=" ~ dupes.rows[0][3] ~ ", variant=" ~ dupes.rows[0][4] ~ ". Nothing was loaded.") }}
    {%- endif -%}
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
        coalesce(unit_variants.variant_count > 1, false) as is_in_multiple_variants
    from typed
    inner join unit_variants
        on typed.experiment_id = unit_variants.experiment_id
            and typed.unit_id = unit_variants.unit_id

)

select * from final
