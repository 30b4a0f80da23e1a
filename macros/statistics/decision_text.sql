{#
    Numbers as words for fct_experiment_decisions.decision_reasons, the same text on every
    engine: a fixed-point decimal cast to text (a double's text form differs between DuckDB
    and Spark).
#}

{% macro percent_text(fraction, signed=true) -%}
    {#- 0.0412 -> '+4.1 %' (signed) or '4.1 %'; null -> 'n/a' -#}
    coalesce(
        {%- if signed %}
        case when {{ fraction }} >= 0 then '+' else '' end ||
        {%- endif %}
        cast(cast(round(100.0e0 * {{ fraction }}, 1) as decimal(18, 1)) as {{ dbt.type_string() }}) || ' %',
        'n/a'
    )
{%- endmacro %}

{% macro p_value_text(p_value) -%}
    {#- 0.00312 -> '0.0031'; below 0.0001 -> '< 0.0001'; null -> 'n/a' -#}
    case
        when {{ p_value }} is null then 'n/a'
        when {{ p_value }} < 0.0001 then '< 0.0001'
        else cast(cast(round({{ p_value }}, 4) as decimal(10, 4)) as {{ dbt.type_string() }})
    end
{%- endmacro %}
