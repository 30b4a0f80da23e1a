{#
    The slicing dimensions of the risk enforcement marts: (dimension_name,
    column expression). 'all' is the total. Used by fct_enforcement_daily to
    unpivot each fact row into one row per dimension.
#}
{% macro risk_enforcement_dimensions() -%}
    {{ return([
        ('all', "'all'"),
        ('policy', 'policy_id'),
        ('severity', 'policy_severity'),
        ('country', 'creator_country'),
        ('detection_source', 'detection_source'),
    ]) }}
{%- endmacro %}


{#
    union all of one select per dimension: `columns` are passed through, the
    date expression becomes metric_date, the dimension value is text ('unknown'
    when null). dimension_names limits the dimensions (default all of them).
#}
{% macro risk_unpivot_dimensions(relation, date_expression, columns, dimension_names=none) -%}
    {%- set dims = [] -%}
    {%- for dim in risk_enforcement_dimensions() -%}
        {%- if dimension_names is none or dim[0] in dimension_names -%}
            {%- do dims.append(dim) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for dim in dims %}
    select
        {{ date_expression }} as metric_date,
        '{{ dim[0] }}' as dimension_name,
        coalesce(cast({{ dim[1] }} as {{ dbt.type_string() }}), 'unknown') as dimension_value,
        {{ columns | join(',\n        ') }}
    from {{ relation }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
