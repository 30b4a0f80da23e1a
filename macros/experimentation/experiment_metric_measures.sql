{% macro experiment_metric_measures() -%}
    {#- Each catalog metric's unit measures, as int_experiment_unit_metrics_computed reads them
        (seeds/experiment_metric_catalog.csv): metric_name -> [numerator, denominator (none: 1),
        covariate (none: the catalog's covariate_definition is none)]. The measures are the
        <measure>_in_window / <measure>_pre_period columns of the unit sums. -#}
    {{ return({
        'watch_seconds_per_user': ['watch_seconds', none, 'watch_seconds'],
        'video_views_per_user': ['video_views', none, 'video_views'],
        'app_opens_per_user': ['app_opens', none, 'app_opens'],
        'likes_per_user': ['likes', none, 'likes'],
        'ctr': ['clicks', 'impressions', none],
        'ad_impressions_per_user': ['impressions', none, 'impressions'],
        'reports_per_user': ['reports', none, 'reports'],
        'submissions_per_labeler': ['submissions', none, 'submissions'],
        'gold_accuracy': ['gold_correct', 'gold_submissions', none],
        'views_received_per_creator': ['views_received', none, 'views_received'],
    }) }}
{%- endmacro %}
