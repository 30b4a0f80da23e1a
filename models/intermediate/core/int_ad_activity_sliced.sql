-- One row per UTC day x slice (all, the user's country, the user's platform):
-- the ad funnel counts and revenue the core indicators cut by country and
-- platform. fct_ad_funnel_daily has no platform cut, so the slices are summed
-- here from the monetization domain's additive event rows
-- (int_ad_activity_unioned); no measure is recomputed. Users without a
-- staged users row fall in the slice value 'unknown'.
-- Revenue per slice-day is a compound-Poisson sum dominated by rare CPA
-- conversions (one conversion can be worth 2,000 impressions), so anomaly
-- detection scores a winsorised copy: each billed event's revenue capped at
-- that day's anomaly_revenue_winsor_quantile (default 0.99) of billed-event
-- revenue over all slices. The cap uses that day's events only, so a day's
-- row never depends on other days (incremental rebuilds stay exact). The sum
-- of squared capped revenue is its compound-Poisson sampling variance.
-- A table, not a view: each of its data tests and of the models reading it
-- would otherwise run its whole query again. Incremental (docs/incremental.md):
-- a run rebuilds the days the ad rows landed inside the lookback window change,
-- as fct_ad_funnel_daily does.
{{ config(**affected_days_config('activity_date')) }}
-- the staged tables ad_activity_days_landed_in_window() reads on incremental runs:
-- depends_on: {{ ref('stg_ads__ad_requests') }}, {{ ref('stg_ads__impressions') }}, {{ ref('stg_ads__clicks') }}
-- depends_on: {{ ref('stg_ads__conversions') }}, {{ ref('stg_app__users') }}

{% set winsor_quantile = core_anomaly_setting('anomaly_revenue_winsor_quantile') %}
with

activity as (

    select
        *,
        cast(impression_revenue_micros + click_revenue_micros + conversion_revenue_micros as double)
        / 1000000 as revenue_usd
    from {{ ref('int_ad_activity_unioned') }}
    {% if is_incremental() %}
        where {{ in_days_of('activity_date', ad_activity_days_landed_in_window(), from_column='activity_at') }}
    {% endif %}

),

daily_revenue_cap as (

    select
        activity_date,
        percentile_cont({{ winsor_quantile }}) within group (order by revenue_usd) as revenue_cap_usd
    from activity
    where revenue_usd > 0
    group by activity_date

),

capped as (

    select
        activity.*,
        case
            when activity.revenue_usd > daily_revenue_cap.revenue_cap_usd then daily_revenue_cap.revenue_cap_usd
            else activity.revenue_usd
        end as winsorised_revenue_usd
    from activity
    left join daily_revenue_cap
        on activity.activity_date = daily_revenue_cap.activity_date

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
            _loaded_at
        from capped
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
        coalesce(sum(winsorised_revenue_usd * winsorised_revenue_usd), 0) as ad_revenue_winsorised_usd_squared,
        max(_loaded_at) as max_loaded_at
    from sliced
    group by
        activity_date,
        dimension_name,
        dimension_value

)

select * from final
