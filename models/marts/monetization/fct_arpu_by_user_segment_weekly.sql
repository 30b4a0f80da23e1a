-- One row per week (Monday start, UTC) x user segment: distinct active users
-- of the week, their ad revenue and ARPU (revenue / active users). Weeks at
-- the edges of the data window are partial; days_in_data says how many days.
with

user_days as (

    select * from {{ ref('int_users_monetization_daily') }}

),

user_weeks as (

    select
        user_id,
        activity_week,
        max(country) as country,
        max(platform) as platform,
        max(age_band) as age_band,
        max(acquisition_channel) as acquisition_channel,
        max(case when is_active then 1 else 0 end) as is_active,
        cast(sum(ad_revenue_micros) as {{ dbt.type_bigint() }}) as ad_revenue_micros
    from user_days
    group by
        user_id,
        activity_week

),

week_days as (

    select
        activity_week,
        cast(count(distinct activity_date) as {{ dbt.type_bigint() }}) as days_in_data
    from user_days
    group by activity_week

),

segmented as (

    {% for segment in ['all', 'country', 'platform', 'age_band', 'acquisition_channel'] %}
        select
            activity_week,
            '{{ segment }}' as segment_name,
            {% if segment == 'all' %}'all'{% else %}{{ segment }}{% endif %} as segment_value,
            is_active,
            ad_revenue_micros
        from user_weeks
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

summed as (

    select
        activity_week,
        segment_name,
        segment_value,
        cast(sum(is_active) as {{ dbt.type_bigint() }}) as weekly_active_users,
        cast(sum(ad_revenue_micros) as double) / 1000000 as ad_revenue_usd
    from segmented
    group by
        activity_week,
        segment_name,
        segment_value

),

final as (

    select
        summed.activity_week,
        summed.segment_name,
        summed.segment_value,
        week_days.days_in_data,
        summed.weekly_active_users,
        summed.ad_revenue_usd,
        summed.ad_revenue_usd / nullif(summed.weekly_active_users, 0) as arpu_usd
    from summed
    inner join week_days
        on summed.activity_week = week_days.activity_week

)

select * from final
