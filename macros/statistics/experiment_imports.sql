{#
    The import path for experiments analysed elsewhere (contracts/public_marts.md section 3):
    every <SV_IMPORTS_PATH>/experiments/*.csv (default data/imports). Used by the model
    int_experiment_imports_validated at execution time.

    experiment_import_files() lists the files and their header columns and returns, per file,
    a relation to select from. DuckDB globs the folder (an absent or empty folder gives no
    files). Spark points an external binaryFile table at the folder (an absent folder reads
    as empty) to list the files, then reads each file through a temporary csv view with its
    header. Each file is read with all columns as text; typing and checks happen in SQL.

    File names, the folder and header names are run-time values: they enter SQL only through
    sql_string_literal() and sql_quoted_identifier(), and a listed name is glob-escaped before
    it is read again, so a file is read under its own name whatever characters it has.
#}

{#
    The columns of an import file. Optional columns may be absent from a file (null then);
    numeric ones are checked to be finite numbers. A new optional column goes in `optional`
    (and `numeric` if it is a number) and in the typed select of the model.
#}
{% macro experiment_import_columns() -%}
    {{ return({
        'required': ['experiment_id', 'unit_id', 'variant', 'is_control', 'metric_name', 'numerator'],
        'optional': ['denominator', 'covariate', 'traffic_share', 'metric_role', 'preferred_direction',
            'non_inferiority_margin'],
        'numeric': ['numerator', 'denominator', 'covariate', 'traffic_share', 'non_inferiority_margin'],
    }) }}
{%- endmacro %}

{% macro experiment_imports_dir() -%}
    {{- return(env_var('SV_IMPORTS_PATH', 'data/imports') ~ '/experiments') -}}
{%- endmacro %}

{#
    Stops the build, one line per problem: "Experiment import file <path>: <problem>."
    problems: a list of [file, problem] pairs.
#}
{% macro raise_experiment_import_errors(problems) -%}
    {%- set lines = [] -%}
    {%- for file, problem in problems | sort(attribute='0') -%}
        {%- do lines.append("Experiment import file " ~ file ~ ": " ~ problem ~ ".") -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(lines | join('\n')
        ~ "\nNothing was loaded (rules: docs/experimentation.md, Import path).") }}
{%- endmacro %}

{% macro raise_experiment_import_error(file, problem) -%}
    {%- do raise_experiment_import_errors([[file, problem]]) -%}
{%- endmacro %}

{% macro experiment_import_files() -%}
    {{ return(adapter.dispatch('experiment_import_files')()) }}
{%- endmacro %}

{#
    DuckDB's glob() and read_csv() treat * ? [ as wildcards, also in a listed name; a wildcard
    in brackets is literal ([*], [?], [[]). '[' goes first: the later replacements add brackets.
#}
{% macro duckdb_glob_escaped(path) -%}
    {{ return(path.replace('[', '[[]').replace('*', '[*]').replace('?', '[?]')) }}
{%- endmacro %}

{% macro default__experiment_import_files() -%}
    {%- set dir = experiment_imports_dir() -%}
    {%- if '\\' in dir -%}
        {{ exceptions.raise_compiler_error("SV_IMPORTS_PATH " ~ dir ~ " contains a backslash, which DuckDB's glob cannot list: use a folder path without one (docs/experimentation.md, Import path).") }}
    {%- endif -%}
    {%- set pattern = sql_string_literal(duckdb_glob_escaped(dir) ~ '/*.csv') -%}
    {%- set listing = run_query('select file from glob(' ~ pattern ~ ') order by file') -%}
    {%- set files = [] -%}
    {%- for row in listing.rows -%}
        {%- set file_pattern = sql_string_literal(duckdb_glob_escaped(row[0])) -%}
        {# a guard, not a branch in use: the escaped name must match this one file only #}
        {%- set matched = run_query('select file from glob(' ~ file_pattern ~ ')').columns[0].values() | list -%}
        {%- if matched != [row[0]] -%}
            {%- do raise_experiment_import_error(row[0], "its name cannot be read safely (as a glob pattern it matches: " ~ matched | join(', ') ~ "); rename it") -%}
        {%- endif -%}
        {%- set relation = 'read_csv(' ~ file_pattern ~ ', header = true, all_varchar = true)' -%}
        {%- set head = run_query('select * from ' ~ relation ~ ' limit 0') -%}
        {%- do files.append({'file': row[0], 'relation': relation, 'columns': head.column_names | list}) -%}
    {%- endfor -%}
    {{ return(files) }}
{%- endmacro %}

{#
    Hadoop globs a csv path on Spark: * ? [ ] { } and the backslash itself are escaped with a
    backslash (the backslash first: the later replacements add backslashes).
#}
{% macro hadoop_glob_escaped(path) -%}
    {{ return(path.replace('\\', '\\\\').replace('*', '\\*').replace('?', '\\?')
        .replace('[', '\\[').replace(']', '\\]').replace('{', '\\{').replace('}', '\\}')) }}
{%- endmacro %}

{#
    The listing is a binaryFile table over the folder: one row per file, with its decoded path
    (the text source's _metadata.file_path is URL-encoded, %20 for a space); selecting only the
    path does not read the contents. Spark skips empty files and names starting with . or _.
#}
{% macro spark__experiment_import_files() -%}
    {%- set dir = experiment_imports_dir() -%}
    {%- set listing_table = target.schema ~ '.sv_experiment_import_listing' -%}
    {%- do run_query('drop table if exists ' ~ listing_table) -%}
    {%- do run_query('create table ' ~ listing_table ~ " using binaryFile options (pathGlobFilter '*.csv') location " ~ sql_string_literal(dir)) -%}
    {%- set listing = run_query('select path from ' ~ listing_table ~ ' order by path') -%}
    {%- set files = [] -%}
    {%- for row in listing.rows -%}
        {%- if ':' in row[0].split('/')[-1] -%}
            {%- do raise_experiment_import_error(row[0], "Spark (Hadoop) cannot read a file name with ':'; rename it") -%}
        {%- endif -%}
        {%- set view = 'sv_experiment_import_' ~ loop.index -%}
        {%- do run_query('create or replace temporary view ' ~ view ~ ' using csv options (path ' ~ sql_string_literal(hadoop_glob_escaped(row[0])) ~ ", header 'true', inferSchema 'false')") -%}
        {%- set head = run_query('select * from ' ~ view ~ ' limit 0') -%}
        {%- do files.append({'file': row[0], 'relation': view, 'columns': head.column_names | list}) -%}
    {%- endfor -%}
    {{ return(files) }}
{%- endmacro %}

{#
    The select of one listed file: its source_file, then every import column as trimmed text
    (null when an optional column is absent). Header names match case- and space-insensitively.
#}
{% macro experiment_import_file_select(file) -%}
    {%- set columns = experiment_import_columns() -%}
    {%- set by_name = {} -%}
    {%- for header in file['columns'] -%}
        {%- do by_name.update({header | trim | lower: header}) -%}
    {%- endfor -%}
    {%- set missing = columns['required'] | reject('in', by_name) | list -%}
    {%- if missing -%}
        {%- do raise_experiment_import_error(file['file'], "missing required column(s) " ~ missing | join(', ') ~ " (header: " ~ file['columns'] | join(', ') ~ ")") -%}
    {%- endif -%}
    {%- set parts = [sql_string_literal(file['file']) ~ ' as source_file'] -%}
    {%- for name in columns['required'] + columns['optional'] -%}
        {%- if name in by_name -%}
            {%- do parts.append('trim(cast(' ~ sql_quoted_identifier(by_name[name]) ~ ' as ' ~ dbt.type_string() ~ ')) as ' ~ name) -%}
        {%- else -%}
            {%- do parts.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('select ' ~ parts | join(', ') ~ ' from ' ~ file['relation']) }}
{%- endmacro %}

{#
    `query` (first column source_file) cut to its first row per file in the order `order_by`,
    so that a check reports each bad file once, with an example.
#}
{% macro first_row_per_file(query, order_by) -%}
    {{ return(
        'select * from (select q.*, row_number() over (partition by q.source_file order by ' ~ order_by ~ ')'
        ~ ' as row_rank_in_file from (' ~ query ~ ') as q) as ranked'
        ~ ' where row_rank_in_file = 1 order by source_file') }}
{%- endmacro %}

{#
    Runs every check before the model replaces its table and stops the build listing each bad
    file with its problems: no data rows, a bad value (with an example row), an experiment
    without exactly one control variant, a variant both control and not, duplicate rows.
    typed_sql is the model's typed select: source_file, the text columns, is_control as a
    boolean (null when unreadable) and each numeric column as <name>_text.
#}
{% macro check_experiment_imports(files, typed_sql) -%}
    {%- set columns = experiment_import_columns() -%}
    {%- set problems = [] -%}
    {%- set with_rows = run_query('select distinct source_file from (' ~ typed_sql ~ ') as t').columns[0].values() | list -%}
    {%- for f in files if f['file'] not in with_rows -%}
        {%- do problems.append([f['file'], "no data rows (a header only)"]) -%}
    {%- endfor -%}

    {%- set row_checks = [(
        "an empty experiment_id, unit_id, variant or metric_name",
        "coalesce(experiment_id, '') = '' or coalesce(unit_id, '') = ''"
        ~ " or coalesce(variant, '') = '' or coalesce(metric_name, '') = ''",
    )] -%}
    {%- for name in columns['numeric'] -%}
        {%- set value = 'try_cast(' ~ name ~ '_text as double)' -%}
        {%- if name in columns['required'] -%}
            {%- do row_checks.append(("a non-numeric or empty " ~ name, value ~ ' is null')) -%}
        {%- else -%}
            {%- do row_checks.append(("a non-numeric " ~ name, name ~ "_text <> '' and " ~ value ~ ' is null')) -%}
        {%- endif -%}
        {%- do row_checks.append(("a NaN or infinite " ~ name, 'not ' ~ is_finite_double(value))) -%}
    {%- endfor -%}
    {%- do row_checks.append(("an is_control value that is not true or false", "is_control is null")) -%}
    {%- do row_checks.append(("a metric_role other than primary, guardrail or secondary",
        "coalesce(metric_role, 'secondary') not in ('primary', 'guardrail', 'secondary')")) -%}
    {%- do row_checks.append(("a preferred_direction other than increase or decrease",
        "coalesce(preferred_direction, 'increase') not in ('increase', 'decrease')")) -%}
    {%- do row_checks.append(("a negative non_inferiority_margin", "non_inferiority_margin < 0")) -%}
    {%- for problem, condition in row_checks -%}
        {%- set bad = run_query(first_row_per_file(
            'select source_file, experiment_id, unit_id, metric_name from (' ~ typed_sql ~ ') as t where ' ~ condition,
            'experiment_id nulls first, unit_id nulls first, metric_name nulls first')) -%}
        {%- for row in bad.rows -%}
            {%- do problems.append([row[0], problem ~ " (row experiment_id=" ~ row[1] ~ ", unit_id=" ~ row[2] ~ ", metric_name=" ~ row[3] ~ ")"]) -%}
        {%- endfor -%}
    {%- endfor -%}

    {%- set controls = run_query(first_row_per_file(
        'select min(source_file) as source_file, experiment_id,'
        ~ ' count(distinct case when is_control then variant end) as control_variants'
        ~ ' from (' ~ typed_sql ~ ') as t group by experiment_id'
        ~ ' having count(distinct case when is_control then variant end) <> 1',
        'experiment_id nulls first')) -%}
    {%- for row in controls.rows -%}
        {%- do problems.append([row[0], "experiment " ~ row[1] ~ " has " ~ row[2] ~ " control variants (is_control must be true for exactly one variant)"]) -%}
    {%- endfor -%}
    {%- set mixed = run_query(first_row_per_file(
        'select min(source_file) as source_file, experiment_id, variant from (' ~ typed_sql ~ ') as t'
        ~ ' group by experiment_id, variant having count(distinct is_control) > 1',
        'experiment_id nulls first, variant nulls first')) -%}
    {%- for row in mixed.rows -%}
        {%- do problems.append([row[0], "variant " ~ row[2] ~ " of experiment " ~ row[1] ~ " is marked both control and not control"]) -%}
    {%- endfor -%}
    {%- set roles = run_query(first_row_per_file(
        'select min(source_file) as source_file, experiment_id, metric_name from (' ~ typed_sql ~ ') as t'
        ~ " group by experiment_id, metric_name having count(distinct coalesce(metric_role, '')) > 1"
        ~ " or count(distinct coalesce(preferred_direction, '')) > 1"
        ~ " or count(distinct coalesce(non_inferiority_margin, -1)) > 1",
        'experiment_id nulls first, metric_name nulls first')) -%}
    {%- for row in roles.rows -%}
        {%- do problems.append([row[0], "metric " ~ row[2] ~ " of experiment " ~ row[1] ~ " has more than one metric_role, preferred_direction or non_inferiority_margin (give one value per experiment and metric)"]) -%}
    {%- endfor -%}
    {%- set dupes = run_query(first_row_per_file(
        'select min(source_file) as source_file, experiment_id, unit_id, metric_name, variant'
        ~ ' from (' ~ typed_sql ~ ') as t group by experiment_id, unit_id, metric_name, variant having count(*) > 1',
        'experiment_id nulls first, unit_id nulls first, metric_name nulls first, variant nulls first')) -%}
    {%- for row in dupes.rows -%}
        {%- do problems.append([row[0], "duplicate rows for experiment_id=" ~ row[1] ~ ", unit_id=" ~ row[2] ~ ", metric_name=" ~ row[3] ~ ", variant=" ~ row[4]]) -%}
    {%- endfor -%}

    {%- if problems -%}
        {%- do raise_experiment_import_errors(problems) -%}
    {%- endif -%}
{%- endmacro %}
