{#-
    Subquery: the UTC days of int_ad_activity_unioned that an incremental run
    of the ad-activity-day base (int_ad_activity_days_aggregated) rebuilds
    (docs/incremental.md). A row that landed
    inside the lookback window (counted back from max(max_loaded_at) of
    {{ this }}) changes its own day and the days of the rows that read it:
    - an ad request, its requested day;
    - an impression, its shown day and the day of the request it filled (a
      filled request takes the impression's campaign);
    - a click or conversion, its own day and the shown day of its impression
      (clicks and conversions are counted on the impression too);
    - a user (ad requests and impressions are staged without their user,
      whose country they then lack), every day of that user's ad rows.
    A campaign needs no clause: an impression waits in quarantine for its
    campaign and is staged with its own _loaded_at inside the window.
    A row's own day is event_days_landed_in_window(), as for the app events.
    Every branch reads staged tables filtered on their own _loaded_at or on
    the window's users, not the view of every ad event (the view filtered
    on user_id cost more than the rebuilt days saved).
-#}
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
