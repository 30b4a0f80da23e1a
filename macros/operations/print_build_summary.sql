{#
    `dbt run-operation print_build_summary`: what the last build holds, for a
    newcomer after `make run`. Row counts per model by layer, and for each
    source system how many raw rows were staged, quarantined or dropped as
    duplicates.
#}
{% macro print_build_summary() %}
    {% if not execute %}{{ return('') }}{% endif %}
    {%- set models = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.package_name == project_name
        and node.config.materialized != 'ephemeral' -%}
        {%- do models.append(node) -%}
    {%- endfor -%}
    {%- set by_layer = {} -%}
    {%- for node in models | sort(attribute='name') -%}
        {%- set layer = node.fqn[1] if node.fqn | length > 2 else 'other' -%}
        {%- set relation = adapter.get_relation(node.database, node.schema, node.alias) -%}
        {%- if relation is not none -%}
            {%- set result = run_query('select count(*) as row_count from ' ~ relation) -%}
            {%- do by_layer.setdefault(layer, []).append((node.name, result.columns[0].values()[0])) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ print('') }}
    {{ print('Built models and their rows') }}
    {%- for layer, rows in by_layer.items() %}
        {%- set visible = [] %}
        {%- for row in rows if not row[0].startswith('base_') %}{% do visible.append(row) %}{% endfor %}
        {{ print('  ' ~ layer ~ ' (' ~ rows | length ~ ' models' ~ (', base views not listed' if layer == 'staging' else '') ~ ')') }}
        {%- for name, count in visible %}
            {{ print('    ' ~ '%-44s' | format(name) ~ '%12s' | format('{:,}'.format(count | int))) }}
        {%- endfor %}
    {%- endfor %}
    {{ print('') }}
    {{ print('Rejected raw rows by system (quarantined with a reason, or duplicates removed)') }}
    {%- for node in models | sort(attribute='name') if node.name.endswith('__rejected_rows') %}
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
