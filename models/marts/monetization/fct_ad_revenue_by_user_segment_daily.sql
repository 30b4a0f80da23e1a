-- One row per UTC day x user segment (all, country, platform, age_band,
-- acquisition_channel; the user's value in the users table): daily active
-- users, ad revenue, ARPDAU (revenue / DAU) and ad load (ad impressions per
-- video view). Revenue counts every ad event of the segment's users that
-- day, whether or not the user also had an app event (ARPDAU = revenue / DAU).
with

user_days as (

    select * from {{ ref('int_users_monetization_daily') }}

),

segmented as (

    {% for segment in ['all', 'country', 'platform', 'age_band', 'acquisition_channel'] %}
        select
            activity_date,
            '{{ segment }}' as segment_name,
            {% if segment == 'all' %}'all'{% else %}{{ segment }}{% endif %} as segment_value,
            user_id,
            is_active,
            video_views,
            ad_impressions,
            ad_revenue_micros
        from user_days
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

summed as (

    select
        activity_date,
        segment_name,
        segment_value,
        cast(sum(case when is_active then 1 else 0 end) as {{ dbt.type_bigint() }}) as daily_active_users,
        cast(sum(video_views) as {{ dbt.type_bigint() }}) as video_views,
        cast(sum(ad_impressions) as {{ dbt.type_bigint() }}) as ad_impressions,
        cast(sum(ad_revenue_micros) as double) / 1000000 as ad_revenue_usd
    from segmented
    group by
        activity_date,
        segment_name,
        segment_value

),

final as (

    select
        activity_date,
        segment_name,
        segment_value,
        daily_active_users,
        video_views,
        ad_impressions,
        ad_revenue_usd,
        ad_revenue_usd / nullif(daily_active_users, 0) as arpdau_usd,
        cast(ad_impressions as double) / nullif(video_views, 0) as ad_load
    from summed

)

select * from final
