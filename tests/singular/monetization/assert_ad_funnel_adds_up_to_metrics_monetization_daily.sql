-- Invariant: on every day, fct_ad_funnel_daily summed over placement x country x campaign gives
-- the counts and dollar sums of metrics_monetization_daily (requests, filled requests,
-- impressions, clicks, conversions, billing by kind, conversion value), and both marts have the
-- same days. With the mart's ratios tested as ratios of its sums, a coarser roll-up of the
-- funnel (e.g. sum(clicks) / sum(impressions)) then equals the mart's daily ratio. Why: the
-- funnel is where BI slices; a row lost or double-counted at that grain must not leave the
-- headline numbers unchanged. Returns the days that disagree, with both values.
{%- set counts = [
    ('ad_requests', 'ad_requests'),
    ('filled_requests', 'filled_requests'),
    ('impressions', 'ad_impressions'),
    ('clicks', 'ad_clicks'),
    ('conversions', 'ad_conversions'),
    ('click_through_conversions', 'click_through_conversions'),
    ('clicks_on_day', 'clicks_on_day'),
    ('conversions_on_day', 'conversions_on_day'),
] %}
{%- set amounts = [
    ('impression_revenue_usd', 'impression_revenue_usd'),
    ('click_revenue_usd', 'click_revenue_usd'),
    ('conversion_revenue_usd', 'conversion_revenue_usd'),
    ('revenue_usd', 'ad_revenue_usd'),
    ('conversion_value_usd', 'conversion_value_usd'),
] %}
with

funnel as (

    select * from {{ ref('fct_ad_funnel_daily') }}

),

metrics as (

    select * from {{ ref('metrics_monetization_daily') }}

),

funnel_days as (

    select
        {%- for funnel_column, _ in counts + amounts %}
            sum({{ funnel_column }}) as funnel_{{ funnel_column }},
        {%- endfor %}
        activity_date
    from funnel
    group by activity_date

),

compared as (

    select
        coalesce(metrics.metric_date, funnel_days.activity_date) as metric_date,
        {%- for funnel_column, metrics_column in counts + amounts %}
            funnel_days.funnel_{{ funnel_column }},
            metrics.{{ metrics_column }},
        {%- endfor %}
        metrics.metric_date is not null as has_metrics_row,
        funnel_days.activity_date is not null as has_funnel_rows
    from metrics
    full outer join funnel_days
        on metrics.metric_date = funnel_days.activity_date

),

final as (

    select *
    from compared
    where
        not has_metrics_row
        or not has_funnel_rows
        {%- for funnel_column, metrics_column in counts %}
            or funnel_{{ funnel_column }} <> {{ metrics_column }}
        {%- endfor %}
        {%- for funnel_column, metrics_column in amounts %}
            or abs(funnel_{{ funnel_column }} - {{ metrics_column }}) > 1e-9 * greatest(1, abs({{ metrics_column }}))
        {%- endfor %}

)

select * from final
