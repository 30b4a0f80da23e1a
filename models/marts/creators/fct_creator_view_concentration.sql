-- Concentration of views across creators, per week (Monday start) of the
-- data window and for the whole window: the share of views earned by the top
-- 1% of creators (ceil(1% of creators), ranked by views) and the Gini
-- coefficient G = 2 * sum(i * x_i) / (n * sum x) - (n + 1) / n over the
-- creators registered before the period's end, x ascending, zeros included.
with

creator_days as (

    select * from {{ ref('fct_creator_daily') }}

),

periods as (

    select
        'week' as period_kind,
        cast({{ dbt.date_trunc('week', 'activity_date') }} as date) as period_start,
        creator_id,
        activity_date,
        video_views,
        is_registered_before_day
    from creator_days
    union all
    select
        'window' as period_kind,
        min(activity_date) over () as period_start,
        creator_id,
        activity_date,
        video_views,
        is_registered_before_day
    from creator_days

),

creator_periods as (

    select
        period_kind,
        period_start,
        creator_id,
        max(activity_date) as period_end,
        max(case when is_registered_before_day then 1 else 0 end) as is_registered,
        cast(sum(video_views) as {{ dbt.type_bigint() }}) as video_views
    from periods
    group by
        period_kind,
        period_start,
        creator_id

),

ranked as (

    select
        period_kind,
        period_start,
        period_end,
        creator_id,
        video_views,
        row_number() over (
            partition by period_kind, period_start
            order by video_views asc nulls first, creator_id asc nulls last
        ) as ascending_rank,
        row_number() over (
            partition by period_kind, period_start
            order by video_views desc nulls last, creator_id asc nulls last
        ) as descending_rank,
        count(*) over (partition by period_kind, period_start) as creators
    from creator_periods
    where is_registered = 1

),

final as (

    select
        period_kind,
        period_start,
        max(period_end) as period_end,
        cast(max(creators) as {{ dbt.type_bigint() }}) as creators,
        cast(sum(video_views) as {{ dbt.type_bigint() }}) as video_views,
        cast(ceil(0.01 * max(creators)) as {{ dbt.type_bigint() }}) as top_1pct_creators,
        cast(
            sum(case when descending_rank <= ceil(0.01 * creators) then video_views else 0 end)
            as {{ dbt.type_bigint() }}
        ) as top_1pct_views,
        cast(sum(case when descending_rank <= ceil(0.01 * creators) then video_views else 0 end) as double)
        / nullif(sum(video_views), 0) as top_1pct_view_share,
        2 * cast(sum(ascending_rank * video_views) as double)
        / nullif(cast(max(creators) as double) * sum(video_views), 0)
        - cast(max(creators) + 1 as double) / nullif(max(creators), 0) as gini
    from ranked
    group by
        period_kind,
        period_start

)

select * from final
