-- Invariant: every ratio of metrics_monetization_daily is the ratio of the day's sums on the
-- same row (null when the denominator is 0), ad_revenue_usd is impression + click + conversion
-- billing, and fill_rate lies in [0, 1]. Why: the mart states each metric as a ratio of sums
-- (contracts/public_marts.md section 4) so that BI roll-ups agree with it; a ratio computed
-- another way (an average of ratios, a wrong denominator) shows here. One pass over the mart;
-- returns each failing day with the ratios it fails.
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
with

metrics as (

    select * from {{ ref('metrics_monetization_daily') }}

),

recomputed as (

    select
        metric_date,
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
