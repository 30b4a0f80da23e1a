{#
    Nothing is lost or counted twice in an aggregation: the sum of `column`
    over the model equals the number of rows of `of`, the relation it
    aggregates (e.g. the events of every session part add up to the staged
    events). An aggregate test, so a daily run with data_tests_scope =
    recent still reads both tables whole. Returns one row (both counts) when
    they differ.
#}
{% test sums_to_row_count(model, column, of) %}

with

summed as (
    select coalesce(sum({{ column }}), 0) as summed_count from {{ model }}
),

counted as (
    select count(*) as row_count from {{ of }}
)

select
    summed.summed_count,
    counted.row_count
from summed
cross join counted
where summed.summed_count <> counted.row_count

{% endtest %}
