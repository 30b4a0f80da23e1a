{# Every non-null value matches the regular expression held in var(pattern_var). #}
{% test accepted_pattern(model, column_name, pattern_var) %}

select {{ column_name }} as unexpected_value, count(*) as row_count
from {{ model }}
where {{ column_name }} is not null
    and not {{ regex_matches(column_name, var(pattern_var)) }}
group by {{ column_name }}

{% endtest %}
