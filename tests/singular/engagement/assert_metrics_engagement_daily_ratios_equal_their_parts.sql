-- Invariant: every ratio of metrics_engagement_daily is its numerator / its denominator from the
-- same row (null when the denominator is 0 or the cohort's day is not observed yet), and the
-- ratios that are shares of users or views lie in [0, 1]. Why: BI tools re-aggregate the parts,
-- so a ratio that drifted from them (a wrong join, a rounding cast) would disagree with every
-- roll-up. One pass over the mart; returns each failing row, a fails_<ratio> flag per ratio.
{%- set ratios = [
    {'name': 'stickiness_dau_mau', 'numerator': 'dau', 'denominator': 'mau', 'is_share': true},
    {'name': 'd1_retention', 'numerator': 'd1_retained_users', 'denominator': 'new_users',
     'is_share': true, 'when': 'is_d1_complete'},
    {'name': 'd7_retention', 'numerator': 'd7_retained_users', 'denominator': 'new_users',
     'is_share': true, 'when': 'is_d7_complete'},
    {'name': 'retained_rate', 'numerator': 'retained_users',
     'denominator': 'retained_users + dormant_users', 'is_share': true},
    {'name': 'dormant_rate', 'numerator': 'dormant_users',
     'denominator': 'retained_users + dormant_users', 'is_share': true},
    {'name': 'watch_seconds_per_dau', 'numerator': 'watch_seconds', 'denominator': 'dau'},
    {'name': 'views_per_dau', 'numerator': 'video_views', 'denominator': 'dau'},
    {'name': 'completion_rate', 'numerator': 'completed_views', 'denominator': 'video_views', 'is_share': true},
    {'name': 'like_rate', 'numerator': 'like_events', 'denominator': 'video_views'},
    {'name': 'share_rate', 'numerator': 'share_events', 'denominator': 'video_views'},
    {'name': 'comment_rate', 'numerator': 'comment_events', 'denominator': 'video_views'},
    {'name': 'follow_rate', 'numerator': 'follow_events', 'denominator': 'video_views'},
] %}
{%- set keys = ['metric_date', 'dimension_name', 'dimension_value'] %}
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

    select * from {{ ref('metrics_engagement_daily') }}

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
