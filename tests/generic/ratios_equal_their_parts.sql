{#-
    Every ratio column of a daily mart equals its numerator / its denominator on
    the same row (null when the denominator is 0, or when the row's `when` is not
    true, e.g. a retention day not observed yet); a ratio marked is_share also lies
    in [0, 1]. Why: BI tools re-aggregate the published numerators and
    denominators, so a ratio computed another way (an average of ratios, a wrong
    join or denominator) would disagree with every roll-up. One pass over the
    model; returns each failing row with a fails_<ratio> flag per ratio.
    `ratios`: a list of {name, numerator, denominator, is_share (optional),
    when (optional)}; numerator and denominator are SQL expressions over the row.
-#}
{% test ratios_equal_their_parts(model, ratios) %}

with

checked as (

    select
        *,
        {%- for ratio in ratios %}
            {%- set quotient = 'cast(' ~ ratio.numerator ~ ' as double) / nullif(' ~ ratio.denominator ~ ', 0)' %}
            {%- set recomputed = 'case when ' ~ ratio.when ~ ' then ' ~ quotient ~ ' end'
                                 if ratio.when is defined else quotient %}
            coalesce(
                abs({{ ratio.name }} - {{ recomputed }}) > 1e-9 * greatest(1, abs({{ recomputed }})),
                ({{ ratio.name }} is null) <> ({{ recomputed }} is null)
            )
            {%- if ratio.is_share %}
                or {{ ratio.name }} < 0
                or {{ ratio.name }} > 1
            {%- endif %} as fails_{{ ratio.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}

)

select *
from checked
where
    {%- for ratio in ratios %}
        {{ 'or ' if not loop.first }}fails_{{ ratio.name }}
    {%- endfor %}

{% endtest %}
