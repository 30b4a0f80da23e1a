-- Creator x week panel for the rewards enrollment effect: every creator
-- registered before the window start (balanced), over the window's full weeks
-- (7-day blocks from its first day; a trailing partial week is left out so
-- every week averages seven days). The outcome is videos published per
-- creator-day of the week. enrollment_week_index is the week holding the
-- creator's first creator_rewards enrollment (null: never enrolled in the
-- data), which is the creator's group in the staggered-adoption DiD.
with

creator_days as (

    select * from {{ ref('fct_creator_daily') }}

),

creators as (

    select * from {{ ref('stg_creators__creators') }}

),

enrollments as (

    select * from {{ ref('stg_creators__rewards_enrollments') }}
    where program = 'creator_rewards'

),

window_bounds as (

    select
        min(activity_date) as window_start,
        floor(({{ dbt.datediff('min(activity_date)', 'max(activity_date)', 'day') }} + 1) / 7) as full_weeks
    from creator_days

),

first_enrollments as (

    select
        creator_id,
        min(enrolled_at) as enrolled_at
    from enrollments
    group by creator_id

),

panel_creators as (

    select
        creators.creator_id,
        creators.country,
        first_enrollments.enrolled_at,
        cast(floor(
            {{ dbt.datediff('window_bounds.window_start', 'cast(first_enrollments.enrolled_at as date)', 'day') }} / 7
        ) as int) as enrollment_week_index
    from creators
    cross join window_bounds
    left join first_enrollments
        on creators.creator_id = first_enrollments.creator_id
    where creators.registered_at < cast(window_bounds.window_start as timestamp)

),

creator_weeks as (

    select
        creator_days.creator_id,
        cast(floor(
            {{ dbt.datediff('window_bounds.window_start', 'creator_days.activity_date', 'day') }} / 7
        ) as int) as week_index,
        min(window_bounds.window_start) as window_start,
        count(*) as days_observed,
        sum(creator_days.videos_published) as videos_published
    from creator_days
    cross join window_bounds
    where {{ dbt.datediff('window_bounds.window_start', 'creator_days.activity_date', 'day') }}
        < 7 * window_bounds.full_weeks
    group by
        creator_days.creator_id,
        cast(floor(
            {{ dbt.datediff('window_bounds.window_start', 'creator_days.activity_date', 'day') }} / 7
        ) as int)

),

final as (

    select
        panel_creators.creator_id,
        panel_creators.country,
        creator_weeks.week_index,
        cast({{ dbt.dateadd('day', '7 * creator_weeks.week_index', 'creator_weeks.window_start') }} as date)
            as week_start,
        panel_creators.enrolled_at,
        panel_creators.enrollment_week_index,
        panel_creators.enrollment_week_index is not null as is_ever_enrolled,
        coalesce(creator_weeks.week_index >= panel_creators.enrollment_week_index, false) as is_enrolled,
        creator_weeks.days_observed,
        cast(creator_weeks.videos_published as double) / 7 as videos_published_per_day
    from panel_creators
    inner join creator_weeks
        on panel_creators.creator_id = creator_weeks.creator_id

)

select * from final
