-- Creator retention by first-post cohort: one row per cohort week (the week,
-- Monday start, of a creator's first staged video ever) x weeks since that
-- week, with the cohort's size and how many of its creators posted in that
-- week. Week 0 retention is 1 by construction; weeks past the last video day
-- are not shown.
with

videos as (

    select * from {{ ref('stg_app__videos') }}

),

creators as (

    select * from {{ ref('stg_creators__creators') }}

),

creator_video_weeks as (

    select distinct
        videos.creator_id,
        cast({{ dbt.date_trunc('week', 'videos.published_at') }} as date) as posting_week
    from videos
    inner join creators
        on videos.creator_id = creators.creator_id

),

first_weeks as (

    select
        creator_id,
        min(posting_week) as cohort_week
    from creator_video_weeks
    group by creator_id

),

cohort_sizes as (

    select
        cohort_week,
        cast(count(*) as {{ dbt.type_bigint() }}) as cohort_creators
    from first_weeks
    group by cohort_week

),

creator_week_offsets as (

    select
        first_weeks.cohort_week,
        first_weeks.creator_id,
        {{ dbt.datediff(
            'first_weeks.cohort_week',
            'creator_video_weeks.posting_week',
            'day'
        ) }} as days_since_cohort
    from first_weeks
    inner join creator_video_weeks
        on first_weeks.creator_id = creator_video_weeks.creator_id

),

retained as (

    select
        cohort_week,
        cast(floor(days_since_cohort / 7) as {{ dbt.type_bigint() }}) as weeks_since_first_post,
        cast(count(*) as {{ dbt.type_bigint() }}) as posting_creators
    from creator_week_offsets
    group by
        cohort_week,
        cast(floor(days_since_cohort / 7) as {{ dbt.type_bigint() }})

),

all_weeks as (

    select distinct posting_week
    from creator_video_weeks

),

week_offsets as (

    select
        cohort_sizes.cohort_week,
        {{ dbt.datediff(
            'cohort_sizes.cohort_week',
            'all_weeks.posting_week',
            'day'
        ) }} as days_since_cohort
    from cohort_sizes
    inner join all_weeks
        on cohort_sizes.cohort_week <= all_weeks.posting_week

),

week_offsets_numbered as (

    select
        cohort_week,
        cast(floor(days_since_cohort / 7) as {{ dbt.type_bigint() }}) as weeks_since_first_post
    from week_offsets

),

final as (

    select
        week_offsets_numbered.cohort_week,
        week_offsets_numbered.weeks_since_first_post,
        cohort_sizes.cohort_creators,
        coalesce(retained.posting_creators, 0) as posting_creators,
        cast(coalesce(retained.posting_creators, 0) as double) / nullif(cohort_sizes.cohort_creators, 0)
            as retention_rate
    from week_offsets_numbered
    inner join cohort_sizes
        on week_offsets_numbered.cohort_week = cohort_sizes.cohort_week
    left join retained
        on
            week_offsets_numbered.cohort_week = retained.cohort_week
            and week_offsets_numbered.weeks_since_first_post = retained.weeks_since_first_post

)

select * from final
