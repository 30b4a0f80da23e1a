{#- Each catalog metric's numerator and denominator as the activity measures of a unit
    (seeds/experiment_metric_catalog.csv says them in words). One definition for the
    readers: int_experiment_unit_metrics_computed (a unit's sums over its whole window),
    fct_experiment_power_planning and int_experiment_arm_days_accumulated (a unit's sums of one
    day and up to that day), which read columns named <measure>_<part> of `relation`. -#}
{% macro experiment_metric_numerator_measures() -%}
    {{ return({
        'watch_seconds_per_user': 'watch_seconds', 'watch_seconds_per_user_p50': 'watch_seconds',
        'watch_seconds_per_user_p90': 'watch_seconds', 'video_views_per_user': 'video_views',
        'app_opens_per_user': 'app_opens', 'likes_per_user': 'likes', 'ctr': 'clicks',
        'ad_impressions_per_user': 'impressions', 'reports_per_user': 'reports',
        'submissions_per_labeler': 'submissions', 'gold_accuracy': 'gold_correct',
        'views_received_per_creator': 'views_received'
    }) }}
{%- endmacro %}

{#- The metrics whose denominator is a measure; every other metric's denominator is the unit. -#}
{% macro experiment_metric_denominator_measures() -%}
    {{ return({'ctr': 'impressions', 'gold_accuracy': 'gold_submissions'}) }}
{%- endmacro %}

{#- Every measure a metric reads, each once, in a fixed order. -#}
{% macro experiment_metric_measure_names() -%}
    {%- set names = [] -%}
    {%- for measure in experiment_metric_numerator_measures().values() | list
            + experiment_metric_denominator_measures().values() | list -%}
        {%- if measure not in names %}{% do names.append(measure) %}{% endif -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}

{% macro experiment_metric_numerator(metric_name, relation, part='in_window') -%}
    case {{ metric_name }}
        {%- for metric, measure in experiment_metric_numerator_measures().items() %}
        when '{{ metric }}' then {{ relation }}.{{ measure }}_{{ part }}
        {%- endfor %}
    end
{%- endmacro %}

{#- `unit_denominator` is what a metric without a denominator measure divides by: 1 per row of
    `relation` (a unit, or a unit-day), or a column that counts such rows. -#}
{% macro experiment_metric_denominator(metric_name, relation, part='in_window', unit_denominator='1') -%}
    case {{ metric_name }}
        {%- for metric, measure in experiment_metric_denominator_measures().items() %}
        when '{{ metric }}' then {{ relation }}.{{ measure }}_{{ part }}
        {%- endfor %}
        else {{ unit_denominator }}
    end
{%- endmacro %}
