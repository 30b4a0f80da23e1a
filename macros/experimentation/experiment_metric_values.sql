{#- Each catalog metric's numerator and denominator as the activity measures of a unit
    (seeds/experiment_metric_catalog.csv says them in words). One definition for the two
    readers: int_experiment_unit_metrics_computed (a unit's sums over its whole window) and
    fct_experiment_results_daily (a unit's sums of one day), which read columns named
    <measure>_<part> of `relation`. -#}
{% macro experiment_metric_numerator(metric_name, relation, part='in_window') -%}
    {%- set measures = [
        ['watch_seconds_per_user', 'watch_seconds'], ['watch_seconds_per_user_p50', 'watch_seconds'],
        ['watch_seconds_per_user_p90', 'watch_seconds'], ['video_views_per_user', 'video_views'],
        ['app_opens_per_user', 'app_opens'], ['likes_per_user', 'likes'], ['ctr', 'clicks'],
        ['ad_impressions_per_user', 'impressions'], ['reports_per_user', 'reports'],
        ['submissions_per_labeler', 'submissions'], ['gold_accuracy', 'gold_correct'],
        ['views_received_per_creator', 'views_received']
    ] -%}
    case {{ metric_name }}
        {%- for metric, measure in measures %}
        when '{{ metric }}' then {{ relation }}.{{ measure }}_{{ part }}
        {%- endfor %}
    end
{%- endmacro %}

{% macro experiment_metric_denominator(metric_name, relation, part='in_window') -%}
    case {{ metric_name }}
        when 'ctr' then {{ relation }}.impressions_{{ part }}
        when 'gold_accuracy' then {{ relation }}.gold_submissions_{{ part }}
        else 1
    end
{%- endmacro %}
