-- One row per UTC day x user x placement x campaign (with the campaign's
-- advertiser and the user's country and platform): the ad events of that day
-- summed, each measure additive (int_ad_activity_unioned), so every daily ad
-- table sums these rows instead of every ad event: the funnel
-- (fct_ad_funnel_daily), the user-day monetization (int_users_monetization_daily)
-- and the core indicators' ad slices (int_ad_activity_sliced).
-- The winsorised revenue of the core indicators is summed here too: its cap is
-- a quantile of the day's billed events (anomaly_revenue_winsor_quantile,
-- default 0.99, over all slices), which only this event-grain read sees. A
-- day's cap uses that day's events only.
-- The incremental ad-activity-day base (docs/incremental.md): a run rebuilds
-- the days the ad rows landed inside the lookback window change
-- (ad_activity_days_landed_in_window(): a click also changes its impression's
-- day, a user landing late every day of that user's ad rows).
{{ config(**affected_days_config('activity_date')) }}
-- the staged tables ad_activity_days_landed_in_window() reads on incremental runs:
-- depends_on: {{ ref('stg_ads__ad_requests') }}, {{ ref('stg_ads__impressions') }}, {{ ref('stg_ads__clicks') }}
-- depends_on: {{ ref('stg_ads__conversions') }}, {{ ref('stg_app__users') }}
{%- set winsor_quantile = core_anomaly_setting('anomaly_revenue_winsor_quantile') %}

with

activity as (

    select
        *,
        cast(impression_revenue_micros + click_revenue_micros + conversion_revenue_micros as double)
        / 1000000 as revenue_usd
    from {{ ref('int_ad_activity_unioned') }}
    {%- if is_incremental() %}
    where {{ in_days_of('activity_date', ad_activity_days_landed_in_window(), from_column='activity_at') }}
    {%- endif %}

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

final as (

    select
        activity_date,
        user_id,
        placement,
        campaign_id,
        advertiser_id,
        country,
        platform,
        cast(sum(ad_requests) as {{ dbt.type_bigint() }}) as ad_requests,
        cast(sum(filled_requests) as {{ dbt.type_bigint() }}) as filled_requests,
        cast(sum(impressions) as {{ dbt.type_bigint() }}) as impressions,
        cast(sum(clicks) as {{ dbt.type_bigint() }}) as clicks,
        cast(sum(conversions) as {{ dbt.type_bigint() }}) as conversions,
        cast(sum(click_through_conversions) as {{ dbt.type_bigint() }}) as click_through_conversions,
        cast(sum(clicks_on_day) as {{ dbt.type_bigint() }}) as clicks_on_day,
        cast(sum(conversions_on_day) as {{ dbt.type_bigint() }}) as conversions_on_day,
        cast(sum(impression_revenue_micros) as {{ dbt.type_bigint() }}) as impression_revenue_micros,
        cast(sum(click_revenue_micros) as {{ dbt.type_bigint() }}) as click_revenue_micros,
        cast(sum(conversion_revenue_micros) as {{ dbt.type_bigint() }}) as conversion_revenue_micros,
        cast(sum(conversion_value_micros) as {{ dbt.type_bigint() }}) as conversion_value_micros,
        cast(coalesce(sum(winsorised_revenue_usd), 0) as double) as winsorised_revenue_usd,
        cast(coalesce(sum(winsorised_revenue_usd * winsorised_revenue_usd), 0) as double)
            as winsorised_revenue_usd_squared,
        max(_loaded_at) as max_loaded_at
    from capped
    group by
        activity_date,
        user_id,
        placement,
        campaign_id,
        advertiser_id,
        country,
        platform

)

select * from final
