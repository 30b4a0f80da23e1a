{# Every row satisfies the boolean SQL expression; failing rows are returned. #}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not coalesce(({{ expression }}), false)

{% endtest %}
