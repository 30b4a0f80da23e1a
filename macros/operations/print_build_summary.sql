{#
    `dbt run-operation print_build_summary`: what a newcomer reads after
    `make run` or `make daily`. What was built and quarantined, the latest
    day's headline numbers, the experiments that need a look and where to go
    next. `--args '{list_models: true}'` also lists every model's row count.
#}
{% macro print_build_summary(list_models=false) %}
    {% if not execute %}{{ return('') }}{% endif %}
    {%- do print_built_models(list_models) -%}
    {%- do print_rejected_rows() -%}
    {%- do print_latest_day_headlines() -%}
    {%- do print_experiment_headlines() -%}
    {%- do print_next_steps() -%}
{% endmacro %}

{#- The relation a model of this project was built as, or none. -#}
{% macro built_relation(model_name) %}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.package_name == project_name and node.name == model_name -%}
        {{ return(adapter.get_relation(node.database, node.schema, node.alias)) }}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}

{#- Rows per layer (models/<layer>/...), each model's count with list_models. -#}
{% macro print_built_models(list_models) %}
    {%- set by_layer = {} -%}
    {%- for node in graph.nodes.values() | sort(attribute='name')
        if node.resource_type == 'model' and node.package_name == project_name
        and node.config.materialized != 'ephemeral' -%}
        {%- set layer = node.fqn[1] if node.fqn | length > 2 else 'other' -%}
        {%- set relation = adapter.get_relation(node.database, node.schema, node.alias) -%}
        {%- if relation is not none -%}
            {%- set result = run_query('select count(*) as row_count from ' ~ relation) -%}
            {%- do by_layer.setdefault(layer, []).append((node.name, result.columns[0].values()[0] | int)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ print('') }}
    {{ print('Built models') }}
    {%- set flow_order = ['staging', 'intermediate', 'marts'] %}
    {%- for layer in flow_order + (by_layer.keys() | reject('in', flow_order) | sort | list) if layer in by_layer %}
        {%- set rows = by_layer[layer] %}
        {%- set total = rows | map(attribute=1) | sum %}
        {{ print('  ' ~ '%-14s' | format(layer) ~ '%4d models %14s rows' | format(rows | length, '{:,}'.format(total))) }}
        {%- if list_models %}
            {%- for name, count in rows %}
                {{ print('    ' ~ '%-52s' | format(name) ~ '%14s' | format('{:,}'.format(count))) }}
            {%- endfor %}
        {%- endif %}
    {%- endfor %}
{% endmacro %}

{#- For each source system: raw rows quarantined (with a reason) or dropped as duplicates. -#}
{% macro print_rejected_rows() %}
    {{ print('') }}
    {{ print('Rejected raw rows by system (quarantined with a reason, or duplicates removed)') }}
    {%- for node in graph.nodes.values() | sort(attribute='name')
        if node.resource_type == 'model' and node.package_name == project_name
        and node.name.endswith('__rejected_rows') %}
        {%- set relation = adapter.get_relation(node.database, node.schema, node.alias) -%}
        {%- if relation is not none %}
            {%- set result = run_query(
                'select reason_category, count(*) from ' ~ relation
                ~ ' group by reason_category order by reason_category') -%}
            {%- set parts = [] -%}
            {%- for row in result.rows -%}{%- do parts.append(row[0] ~ ' ' ~ row[1]) -%}{%- endfor %}
            {{ print('  ' ~ '%-24s' | format(node.name.split('__')[0][4:]) ~ (parts | join(', ') or 'none')) }}
        {%- endif %}
    {%- endfor %}
{% endmacro %}

{#- DAU and ad revenue of the latest day in fct_core_indicators (the day the
    daily digest reports; rows landing up to 3 days late can still add to
    it), next to the same weekday a week earlier, and the anomalies flagged
    on that day. -#}
{% macro print_latest_day_headlines() %}
    {%- set indicators = built_relation('fct_core_indicators') -%}
    {%- set anomalies = built_relation('fct_indicator_anomalies') -%}
    {%- if indicators is none or anomalies is none -%}
        {{ print('\nfct_core_indicators or fct_indicator_anomalies is not built: no headline numbers') }}
        {{ return(none) }}
    {%- endif -%}
    {%- set latest_day = run_query(
        "select cast(max(metric_date) as string) from " ~ indicators
        ~ " where metric_name = 'dau' and dimension_name = 'all'").columns[0].values()[0] -%}
    {%- set headline_sql -%}
        select
            metric_name,
            max(case when metric_date = cast('{{ latest_day }}' as date) then value end) as latest_value,
            max(case when metric_date = {{ add_days("cast('" ~ latest_day ~ "' as date)", -7) }} then value end)
                as week_before_value
        from {{ indicators }}
        where dimension_name = 'all' and metric_name in ('dau', 'ad_revenue_usd')
        group by metric_name
    {%- endset -%}
    {%- set headlines = {} -%}
    {%- for row in run_query(headline_sql).rows -%}
        {%- do headlines.update({row[0]: (row[1], row[2])}) -%}
    {%- endfor -%}
    {%- set flagged_sql -%}
        select
            metric_name
            || case when dimension_name = 'all' then '' else ' [' || dimension_name || '=' || dimension_value || ']' end
            || ' ' || anomaly_direction || ': ' || cast(round(value, 4) as string)
            || ' vs expected ' || cast(round(expected_value, 4) as string) as anomaly_text
        from {{ anomalies }}
        where is_anomaly and metric_date = cast('{{ latest_day }}' as date)
        order by abs(anomaly_score) desc nulls last, metric_name asc nulls last
    {%- endset -%}
    {%- set flagged = run_query(flagged_sql).columns[0].values() -%}
    {%- set flagged_week = run_query(
        'select count(*) from ' ~ anomalies ~ " where is_anomaly and metric_date > "
        ~ add_days("cast('" ~ latest_day ~ "' as date)", -7)).columns[0].values()[0] -%}
    {{ print('') }}
    {{ print('Latest day ' ~ latest_day ~ ' (fct_core_indicators, all users; in brackets the same weekday a week earlier)') }}
    {%- for metric_name, label, template in [('dau', 'DAU', '{:,.0f}'), ('ad_revenue_usd', 'ad revenue (USD)', '{:,.2f}')] %}
        {%- set latest, week_before = headlines.get(metric_name, (none, none)) %}
        {%- set change = '' if latest is none or not week_before else ', {:+.1%}'.format(latest / week_before - 1) %}
        {{ print('  ' ~ '%-20s' | format(label) ~ ('n/a' if latest is none else template.format(latest))
                 ~ ' (' ~ ('n/a' if week_before is none else template.format(week_before)) ~ change ~ ')') }}
    {%- endfor %}
    {{ print('  ' ~ '%-20s' | format('anomalies flagged') ~ flagged | length
             ~ ' (fct_indicator_anomalies; ' ~ flagged_week ~ ' in the last 7 days)') }}
    {%- for text in flagged[:5] %}
        {{ print('    ' ~ text) }}
    {%- endfor %}
    {%- if flagged | length > 5 %}{{ print('    ... and ' ~ (flagged | length - 5) ~ ' more in the daily digest') }}{% endif %}
{% endmacro %}

{#- The experiments to look at, from fct_experiment_results and
    fct_experiment_health: a significant primary metric (no variance
    reduction, all users) or a sample ratio mismatch. When
    fct_experiment_decisions (contracts/public_marts.md section 5) is built,
    this macro is the one to replace: one line per decision with its
    experiments and variants. -#}
{% macro print_experiment_headlines() %}
    {%- set decisions = built_relation('fct_experiment_decisions') -%}
    {%- if decisions is none -%}
        {{ print('\nfct_experiment_decisions is not built: no experiment summary') }}
        {{ return(none) }}
    {%- endif -%}
    {%- set decisions_sql -%}
        select experiment_id, treatment_variant, decision, decision_reasons
        from {{ decisions }}
        where variance_reduction = 'none'
        order by experiment_id asc nulls last, treatment_variant asc nulls last
    {%- endset -%}
    {%- set rows = run_query(decisions_sql).rows -%}
    {{ print('') }}
    {{ print('Experiment decisions (fct_experiment_decisions, unadjusted; reasons in decision_reasons)') }}
    {%- for row in rows %}
        {{ print('  ' ~ row[0] ~ ' ' ~ row[1] ~ ': ' ~ row[2]) }}
        {%- for reason in (row[3] or '').split('; ') if reason %}
            {{ print('      ' ~ reason) }}
        {%- endfor %}
    {%- endfor %}
{% endmacro %}

{#- The commands to go on with, for this build's DuckDB file. -#}
{% macro print_next_steps() %}
    {%- set database_path = target.path if target.type == 'duckdb' else '' -%}
    {#- the profile's default: the commands below need no SV_DUCKDB_PATH for it -#}
    {%- set env_prefix = '' if database_path in ['', 'data/warehouse.duckdb'] else 'SV_DUCKDB_PATH=' ~ database_path ~ ' ' -%}
    {{ print('') }}
    {{ print('Where to look next') }}
    {{ print('  README.md "Domains" (every mart, with its docs/ page) and "Configuration" (the SV_* variables)') }}
    {{ print('  experiment readout: ' ~ env_prefix ~ '.venv/bin/python analyses/render_experiment_readout.py'
             ~ ' --experiment exp_001 --out reports/exp_001.html') }}
    {{ print('  morning report:     ' ~ env_prefix ~ 'make report (writes reports/morning_report_<date>.html)') }}
    {{ print('  daily digest:       ' ~ env_prefix ~ 'DBT_PROFILES_DIR=. .venv/bin/dbt show --select daily_health_digest --limit -1 --output json') }}
    {{ print('  metrics:            ' ~ env_prefix ~ '.venv/bin/mf query --metrics dau,ad_revenue_usd --group-by metric_time__day') }}
    {%- if database_path %}
    {{ print('  tables:             ' ~ database_path ~ ' (any DuckDB client); the public marts as Parquet in '
             ~ publish_directory() ~ '/') }}
    {%- endif %}
{% endmacro %}
