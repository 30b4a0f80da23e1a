-- One row per UTC day of the data window: headline creator metrics.
-- videos_published and creators_posting follow contracts/public_marts.md
-- (every staged video, by published_at day); the view, follower and
-- engagement metrics cover staged creators (fct_creator_daily); payouts are
-- counted on their paid_at day. Ratios are ratios of the day's sums.
with

videos as (

    select * from {{ ref('stg_app__videos') }}

),

creator_days as (

    select * from {{ ref('fct_creator_daily') }}

),

payouts as (

    select * from {{ ref('fct_rewards_payouts') }}

),

published as (

    select
        cast(published_at as date) as metric_date,
        cast(count(*) as {{ dbt.type_bigint() }}) as videos_published,
        cast(count(distinct creator_id) as {{ dbt.type_bigint() }}) as creators_posting
    from videos
    group by cast(published_at as date)

),

creator_totals as (

    select
        activity_date as metric_date,
        cast(sum(case when is_registered_before_day then 1 else 0 end) as {{ dbt.type_bigint() }})
            as registered_creators,
        cast(sum(case when is_posting then 1 else 0 end) as {{ dbt.type_bigint() }}) as active_creators,
        cast(sum(case when video_views > 0 then 1 else 0 end) as {{ dbt.type_bigint() }}) as creators_with_views,
        cast(sum(video_views) as {{ dbt.type_bigint() }}) as video_views,
        cast(sum(qualified_views) as {{ dbt.type_bigint() }}) as qualified_views,
        sum(watch_seconds) as watch_seconds,
        cast(sum(likes_received + comments_received + shares_received) as {{ dbt.type_bigint() }}) as engagements,
        cast(sum(followers_gained) as {{ dbt.type_bigint() }}) as followers_gained,
        cast(sum(followers_lost) as {{ dbt.type_bigint() }}) as followers_lost
    from creator_days
    group by activity_date

),

paid as (

    select
        paid_date as metric_date,
        cast(count(*) as {{ dbt.type_bigint() }}) as payouts,
        sum(amount_usd) as payout_amount_usd,
        cast(sum(paid_qualified_views) as {{ dbt.type_bigint() }}) as paid_qualified_views,
        cast(sum(case when reconciliation_status = 'mismatch' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as mismatched_payouts
    from payouts
    group by paid_date

),

final as (

    select
        creator_totals.metric_date,
        coalesce(published.videos_published, 0) as videos_published,
        coalesce(published.creators_posting, 0) as creators_posting,
        creator_totals.registered_creators,
        creator_totals.active_creators,
        creator_totals.creators_with_views,
        creator_totals.video_views,
        creator_totals.qualified_views,
        creator_totals.watch_seconds,
        creator_totals.watch_seconds / nullif(creator_totals.video_views, 0) as average_view_duration_seconds,
        creator_totals.engagements,
        cast(creator_totals.engagements as double) / nullif(creator_totals.video_views, 0) as engagement_rate,
        creator_totals.followers_gained,
        creator_totals.followers_lost,
        coalesce(paid.payouts, 0) as payouts,
        coalesce(paid.payout_amount_usd, 0) as payout_amount_usd,
        coalesce(paid.paid_qualified_views, 0) as paid_qualified_views,
        1000 * paid.payout_amount_usd / nullif(paid.paid_qualified_views, 0) as rpm_usd,
        coalesce(paid.mismatched_payouts, 0) as mismatched_payouts
    from creator_totals
    left join published
        on creator_totals.metric_date = published.metric_date
    left join paid
        on creator_totals.metric_date = paid.metric_date

)

select * from final
