-- Invariant: the ratios of metrics_creators_daily are their numerator / denominator on the
-- same row (null when the denominator is 0): average view duration = watch seconds / views,
-- engagement rate = engagements / views (likes, comments and shares per view, not a share).
-- rpm_usd is checked with the payouts in assert_rewards_payouts_reconcile. Why: the creator
-- dashboards re-aggregate the parts over weeks and countries; a ratio that drifted from them
-- would disagree with every roll-up. One pass over the mart; returns each failing day, a
-- fails_<ratio> flag per ratio.
{%- set ratios = [
    {'name': 'average_view_duration_seconds', 'numerator': 'watch_seconds', 'denominator': 'video_views'},
    {'name': 'engagement_rate', 'numerator': 'engagements', 'denominator': 'video_views'},
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

    select * from {{ ref('metrics_creators_daily') }}

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
