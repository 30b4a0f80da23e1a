{#
    The column only holds values of the named enumeration in var('enums')
    (dbt_project.yml), the same list staging quarantines against. Nulls pass
    (pair with not_null where a value is required).
#}
{% test accepted_enum(model, column_name, enum) %}

{%- set values = var('enums')[enum] %}
select {{ column_name }} as unexpected_value, count(*) as row_count
from {{ model }}
where {{ column_name }} is not null
    and {{ column_name }} not in (
        {%- for value in values -%}
        '{{ value }}'{{ ", " if not loop.last }}
        {%- endfor -%}
    )
group by {{ column_name }}

{% endtest %}
