{#- The days int_ad_activity_days_aggregated rebuilds: those of the ad rows landed inside the
    window and the days those rows change (docs/incremental.md, the ad-activity-days row).
    No branch for campaigns: an impression waits in quarantine for its campaign and is staged
    inside the window. Each branch reads one staged table filtered on its own _loaded_at (or
    the window's users), not the view of every ad event. -#}
{% macro ad_activity_days_landed_in_window() -%}
    {%- set loaded_after = incremental_lookback_start('max_loaded_at') -%}
    {%- set users_landed -%}
        select user_id from {{ ref('stg_app__users') }} where _loaded_at > {{ loaded_after }}
    {%- endset -%}
    {{ event_days_landed_in_window(ref('stg_ads__ad_requests'), 'requested_at') }}
    union
    {{ event_days_landed_in_window(ref('stg_ads__impressions'), 'shown_at') }}
    union
    select cast(requests.requested_at as date) as activity_date
    from {{ ref('stg_ads__impressions') }} as landed
    inner join {{ ref('stg_ads__ad_requests') }} as requests
        on landed.request_id = requests.request_id
    where landed._loaded_at > {{ loaded_after }}
    {%- for follow_up, time_column in [('stg_ads__clicks', 'clicked_at'), ('stg_ads__conversions', 'converted_at')] %}
    union
    {{ event_days_landed_in_window(ref(follow_up), time_column) }}
    union
    select cast(impressions.shown_at as date) as activity_date
    from {{ ref(follow_up) }} as landed
    inner join {{ ref('stg_ads__impressions') }} as impressions
        on landed.impression_id = impressions.impression_id
    where landed._loaded_at > {{ loaded_after }}
    union
    select cast(follow_ups.{{ time_column }} as date) as activity_date
    from {{ ref(follow_up) }} as follow_ups
    inner join {{ ref('stg_ads__impressions') }} as impressions
        on follow_ups.impression_id = impressions.impression_id
    where impressions.user_id in ({{ users_landed }})
    {%- endfor %}
    union
    select cast(requests.requested_at as date) as activity_date
    from {{ ref('stg_ads__ad_requests') }} as requests
    where requests.user_id in ({{ users_landed }})
    union
    select cast(impressions.shown_at as date) as activity_date
    from {{ ref('stg_ads__impressions') }} as impressions
    where impressions.user_id in ({{ users_landed }})
{%- endmacro %}
