-- Invariant: every ratio of metrics_risk_daily is its numerator / its denominator on the same
-- row (null when the denominator is 0), and the rates that are shares of removals, samples or
-- appeals lie in [0, 1] (removed_share_of_uploads may exceed 1: a video removed today may
-- have been published on an earlier day). Why: these are core indicators; fct_core_indicators
-- publishes their numerators and denominators, which must give the same value. One pass over
-- the mart; returns each failing day, a fails_<ratio> flag per ratio.
{%- set ratios = [
    {'name': 'removed_share_of_uploads', 'numerator': 'videos_removed', 'denominator': 'videos_published'},
    {'name': 'proactive_removal_rate', 'numerator': 'proactive_removals', 'denominator': 'videos_removed',
     'is_share': true},
    {'name': 'removal_within_24h_rate', 'numerator': 'removals_within_24h', 'denominator': 'videos_removed',
     'is_share': true},
    {'name': 'violating_view_rate', 'numerator': 'violating_sample_weight', 'denominator': 'sample_weight',
     'is_share': true},
    {'name': 'appeal_overturn_rate', 'numerator': 'appeals_overturned', 'denominator': 'appeals_resolved',
     'is_share': true},
] %}
{%- set keys = ['metric_date'] %}
{#- numerator / denominator, null when the denominator is 0 (or the ratio's day is not observed) -#}
{%- set recomputed = {} %}
{%- for ratio in ratios %}
    {%- set quotient = 'cast(' ~ ratio.numerator ~ ' as double) / nullif(' ~ ratio.denominator ~ ', 0)' %}
    {%- do recomputed.update({
        ratio.name: 'case when ' ~ ratio.when ~ ' then ' ~ quotient ~ ' end' if ratio.when is defined else quotient
    }) %}
{%- endfor %}
with

metrics as (

    select * from {{ ref('metrics_risk_daily') }}

),

recomputed as (

    select
        {%- for ratio in ratios %}
            {{ ratio.name }},
            {{ recomputed[ratio.name] }} as recomputed_{{ ratio.name }},
        {%- endfor %}
        {{ keys | join(', ') }}
    from metrics

),

checked as (

    select
        {%- for ratio in ratios %}
            {%- set reported, recomputed = ratio.name, 'recomputed_' ~ ratio.name %}
            coalesce(
                abs({{ reported }} - {{ recomputed }}) > 1e-9 * greatest(1, abs({{ recomputed }})),
                ({{ reported }} is null) <> ({{ recomputed }} is null)
            )
            {%- if ratio.is_share %}
                or {{ reported }} < 0
                or {{ reported }} > 1
            {%- endif %} as fails_{{ ratio.name }},
        {%- endfor %}
        {{ keys | join(', ') }}
    from recomputed

),

final as (

    select *
    from checked
    where
        fails_{{ ratios[0].name }}
        {%- for ratio in ratios[1:] %}
            or fails_{{ ratio.name }}
        {%- endfor %}

)

select * from final
