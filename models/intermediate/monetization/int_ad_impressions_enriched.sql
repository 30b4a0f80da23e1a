-- One row per staged ad impression, with the viewer's country and platform,
-- the campaign's advertiser and bid type, and the clicks and conversions that
-- followed it (counted on the impression, whatever day they happened).
-- _loaded_at is the impression's; max_loaded_at the latest of it and its
-- clicks' and conversions' (the table's watermark).
-- A table, incremental by day (docs/incremental.md): a run rebuilds the
-- impressions of the days the ad rows landed inside the lookback window change
-- (ad_activity_days_landed_in_window(): new impressions, impressions with a new
-- click or conversion, impressions of a user staged since). As a view, every
-- reader (the ad activity view, its daily tables and their tests) enriched all
-- impressions again: at 100M app events 2.7 s per reader.
{{ config(**affected_days_config('shown_date')) }}
-- the staged tables ad_activity_days_landed_in_window() reads on incremental runs:
-- depends_on: {{ ref('stg_ads__ad_requests') }}, {{ ref('stg_ads__impressions') }}, {{ ref('stg_ads__clicks') }}
-- depends_on: {{ ref('stg_ads__conversions') }}, {{ ref('stg_app__users') }}
with

impressions as (

    select * from {{ ref('stg_ads__impressions') }}
    {% if is_incremental() %}
        where {{ in_days_of('cast(shown_at as date)', ad_activity_days_landed_in_window(), from_column='shown_at') }}
    {% endif %}

),

campaigns as (

    select * from {{ ref('stg_ads__campaigns') }}

),

users as (

    select * from {{ ref('stg_app__users') }}

),

clicks as (

    select * from {{ ref('stg_ads__clicks') }}

),

conversions as (

    select * from {{ ref('stg_ads__conversions') }}

),

clicks_per_impression as (

    select
        impression_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as clicks,
        max(_loaded_at) as max_loaded_at
    from clicks
    group by impression_id

),

conversions_per_impression as (

    select
        impression_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as conversions,
        cast(sum(case when click_id is not null then 1 else 0 end) as {{ dbt.type_bigint() }})
            as click_through_conversions,
        max(_loaded_at) as max_loaded_at
    from conversions
    group by impression_id

),

final as (

    select
        impressions.impression_id,
        impressions.request_id,
        impressions.user_id,
        impressions.campaign_id,
        campaigns.advertiser_id,
        campaigns.bid_type,
        impressions.ad_id,
        impressions.placement,
        users.country,
        users.platform,
        impressions.shown_at,
        cast(impressions.shown_at as date) as shown_date,
        impressions.revenue_micros as impression_revenue_micros,
        coalesce(clicks_per_impression.clicks, 0) as clicks,
        coalesce(conversions_per_impression.conversions, 0) as conversions,
        coalesce(conversions_per_impression.click_through_conversions, 0) as click_through_conversions,
        impressions._loaded_at,
        greatest(
            impressions._loaded_at,
            coalesce(clicks_per_impression.max_loaded_at, impressions._loaded_at),
            coalesce(conversions_per_impression.max_loaded_at, impressions._loaded_at)
        ) as max_loaded_at
    from impressions
    inner join campaigns
        on impressions.campaign_id = campaigns.campaign_id
    left join users
        on impressions.user_id = users.user_id
    left join clicks_per_impression
        on impressions.impression_id = clicks_per_impression.impression_id
    left join conversions_per_impression
        on impressions.impression_id = conversions_per_impression.impression_id

)

select * from final
