-- Invariant: every ratio of metrics_monetization_daily is the ratio of the day's sums on the
-- same row (null when the denominator is 0), ad_revenue_usd is impression + click + conversion
-- billing, and fill_rate lies in [0, 1]. Why: the mart states each metric as a ratio of sums
-- (contracts/public_marts.md section 4) so that BI roll-ups agree with it; a ratio computed
-- another way (an average of ratios, a wrong denominator) shows here. One pass over the mart;
-- returns each failing day, a fails_<ratio> flag per ratio.
{#- ad_revenue_usd is no ratio but a sum of its parts (denominator 1) -#}
{%- set ratios = [
    {'name': 'fill_rate', 'numerator': 'filled_requests', 'denominator': 'ad_requests', 'is_share': true},
    {'name': 'ctr', 'numerator': 'ad_clicks', 'denominator': 'ad_impressions'},
    {'name': 'cvr', 'numerator': 'click_through_conversions', 'denominator': 'ad_clicks'},
    {'name': 'ecpm_usd', 'numerator': '1000 * ad_revenue_usd', 'denominator': 'ad_impressions'},
    {'name': 'cpc_usd', 'numerator': 'ad_revenue_usd', 'denominator': 'clicks_on_day'},
    {'name': 'cpa_usd', 'numerator': 'ad_revenue_usd', 'denominator': 'conversions_on_day'},
    {'name': 'roas', 'numerator': 'conversion_value_usd', 'denominator': 'ad_revenue_usd'},
    {'name': 'arpdau_usd', 'numerator': 'ad_revenue_usd', 'denominator': 'dau'},
    {'name': 'ad_load', 'numerator': 'ad_impressions', 'denominator': 'video_views'},
    {'name': 'ad_revenue_usd', 'numerator': 'impression_revenue_usd + click_revenue_usd + conversion_revenue_usd',
     'denominator': '1'},
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

    select * from {{ ref('metrics_monetization_daily') }}

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
