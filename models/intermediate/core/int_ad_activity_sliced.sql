-- One row per UTC day x slice (all, the user's country, the user's platform):
-- the ad funnel counts and revenue the core indicators cut by country and
-- platform. fct_ad_funnel_daily has no platform cut, so the slices are summed
-- here from the monetization domain's ad-activity-day base
-- (int_ad_activity_days_aggregated); no measure is recomputed. Users without a
-- staged users row fall in the slice value 'unknown'.
-- Revenue per slice-day is a compound-Poisson sum dominated by rare CPA
-- conversions (one conversion can be worth 2,000 impressions), so anomaly
-- detection scores a winsorised copy: each billed event's revenue capped at
-- that day's anomaly_revenue_winsor_quantile (default 0.99) of billed-event
-- revenue over all slices (capped and summed in the base, which reads the
-- events). The sum of squared capped revenue is its compound-Poisson sampling
-- variance.
-- A table, not a view: each of its data tests and of the models reading it
-- would otherwise run its whole query again.
{{ config(materialized='table') }}

with

activity as (

    select * from {{ ref('int_ad_activity_days_aggregated') }}

),

sliced as (

    {% for dimension in ['all', 'country', 'platform'] %}
        select
            activity_date,
            '{{ dimension }}' as dimension_name,
            {% if dimension == 'all' -%}
                'all'
            {%- else -%}
                coalesce({{ dimension }}, 'unknown')
            {%- endif %} as dimension_value,
            ad_requests,
            filled_requests,
            impressions,
            clicks,
            impression_revenue_micros + click_revenue_micros + conversion_revenue_micros as revenue_micros,
            winsorised_revenue_usd,
            winsorised_revenue_usd_squared,
            max_loaded_at
        from activity
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        activity_date,
        dimension_name,
        dimension_value,
        cast(sum(ad_requests) as {{ dbt.type_bigint() }}) as ad_requests,
        cast(sum(filled_requests) as {{ dbt.type_bigint() }}) as filled_requests,
        cast(sum(impressions) as {{ dbt.type_bigint() }}) as ad_impressions,
        cast(sum(clicks) as {{ dbt.type_bigint() }}) as ad_clicks,
        cast(sum(revenue_micros) as double) / 1000000 as ad_revenue_usd,
        coalesce(sum(winsorised_revenue_usd), 0) as ad_revenue_winsorised_usd,
        coalesce(sum(winsorised_revenue_usd_squared), 0) as ad_revenue_winsorised_usd_squared,
        max(max_loaded_at) as max_loaded_at
    from sliced
    group by
        activity_date,
        dimension_name,
        dimension_value

)

select * from final
