-- Invariant: every ratio of metrics_engagement_daily is its numerator / its denominator from the
-- same row (null when the denominator is 0 or the cohort's day is not observed yet), and the
-- ratios that are shares of users or views lie in [0, 1]. Why: BI tools re-aggregate the parts,
-- so a ratio that drifted from them (a wrong join, a rounding cast) would disagree with every
-- roll-up. One pass over the mart; returns each failing row with the ratios it fails.
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
with

metrics as (

    select * from {{ ref('metrics_engagement_daily') }}

),

recomputed as (

    select
        metric_date,
        dimension_name,
        dimension_value,
    {%- for ratio in ratios %}
        {{ ratio.name }},
        {% if ratio.when is defined %}case when {{ ratio.when }} then {% endif -%}
        cast({{ ratio.numerator }} as double) / nullif({{ ratio.denominator }}, 0)
        {%- if ratio.when is defined %} end{% endif %} as recomputed_{{ ratio.name }}
        {{- "," if not loop.last }}
    {%- endfor %}
    from metrics

),

checked as (

    select
        metric_date,
        dimension_name,
        dimension_value,
        concat_ws(
            ', '
        {%- for ratio in ratios %}
            {%- set reported, recomputed = ratio.name, 'recomputed_' ~ ratio.name %}
            , case
                when coalesce(
                    abs({{ reported }} - {{ recomputed }}) > 1e-9 * greatest(1, abs({{ recomputed }})),
                    ({{ reported }} is null) <> ({{ recomputed }} is null)
                ) {%- if ratio.is_share %} or {{ reported }} < 0 or {{ reported }} > 1{% endif %}
                    then '{{ ratio.name }}'
            end
        {%- endfor %}
        ) as failing_ratios
    from recomputed

),

final as (

    select *
    from checked
    where failing_ratios <> ''

)

select * from final
