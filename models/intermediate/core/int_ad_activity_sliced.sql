-- One row per UTC day x slice (all, the user's country, the user's platform):
-- the ad funnel counts and revenue the core indicators cut by country and
-- platform. fct_ad_funnel_daily has no platform cut, so the slices are summed
-- here from the monetization domain's additive event rows
-- (int_ad_activity_unioned); no measure is recomputed. Users without a
-- staged users row fall in the slice value 'unknown'. The sum of squared
-- revenue per billed event is the compound-Poisson sampling variance of the
-- revenue total, which anomaly detection uses as a noise floor.
with

activity as (

    select * from {{ ref('int_ad_activity_unioned') }}

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
            cast(impression_revenue_micros + click_revenue_micros + conversion_revenue_micros as double)
            / 1000000 as revenue_usd
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
        sum(revenue_usd * revenue_usd) as ad_revenue_usd_squared
    from sliced
    group by
        activity_date,
        dimension_name,
        dimension_value

)

select * from final
