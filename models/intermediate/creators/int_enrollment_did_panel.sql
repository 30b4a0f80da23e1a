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
        max(activity_date) as window_end
    from creator_days

),

creator_days_in_window as (

    select
        creator_days.creator_id,
        creator_days.videos_published,
        creator_days.activity_date,
        window_bounds.window_start
    from creator_days
    cross join window_bounds

),

-- days since the window start of each creator-day and first enrollment
creator_day_offsets as (

    select
        creator_id,
        videos_published,
        {{ dbt.datediff(
            'window_start',
            'activity_date',
            'day'
        ) }} as day_offset
    from creator_days_in_window

),

full_weeks as (

    select floor((max(day_offset) + 1) / 7) as week_count
    from creator_day_offsets

),

first_enrollments as (

    select
        enrollments.creator_id,
        min(enrollments.enrolled_at) as enrolled_at
    from enrollments
    group by enrollments.creator_id

),

enrollment_offsets as (

    select
        first_enrollments.creator_id,
        first_enrollments.enrolled_at,
        {{ dbt.datediff(
            'bounds.window_start',
            'cast(first_enrollments.enrolled_at as date)',
            'day'
        ) }} as day_offset
    from first_enrollments
    cross join window_bounds as bounds

),

panel_creators as (

    select
        creators.creator_id,
        creators.country,
        enrollment_offsets.enrolled_at,
        cast(floor(enrollment_offsets.day_offset / 7) as int) as enrollment_week_index
    from creators
    cross join window_bounds
    left join enrollment_offsets
        on creators.creator_id = enrollment_offsets.creator_id
    where creators.registered_at < cast(window_bounds.window_start as timestamp)

),

creator_weeks as (

    select
        creator_day_offsets.creator_id,
        cast(floor(creator_day_offsets.day_offset / 7) as int) as week_index,
        count(*) as days_observed,
        sum(creator_day_offsets.videos_published) as videos_published
    from creator_day_offsets
    cross join full_weeks
    where creator_day_offsets.day_offset < 7 * full_weeks.week_count
    group by
        creator_day_offsets.creator_id,
        cast(floor(creator_day_offsets.day_offset / 7) as int)

),

final as (

    select
        panel_creators.creator_id,
        panel_creators.country,
        creator_weeks.week_index,
        cast({{ dbt.dateadd('day', '7 * creator_weeks.week_index', 'window_bounds.window_start') }} as date)
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
    cross join window_bounds

)

select * from final
