-- The stacked event-study panel of the creator rewards rollout, long in
-- outcomes (Cengiz, Dube, Lindner and Zipperer 2019 stacking). One stack per
-- launch cohort inside the data window, over the cohort's event window: the
-- days from rollout_event_weeks_before weeks before its launch to the end of
-- week rollout_event_weeks_after since launch, clipped to the data window.
-- Controls are the creators of countries not treated on any day of that
-- window (a launch after it, or none), so the stack is clean and, like
-- int_rollout_did_panel, balanced: creators registered before the window
-- start, every creator on every day of the stack. event_week = whole weeks
-- from the launch day (week 0 = launch day .. day 6, week -1 = the 7 days
-- before launch), the same for the stack's controls.
with

creator_days as (

    select * from {{ ref('fct_creator_daily') }}

),

creators as (

    select * from {{ ref('stg_creators__creators') }}

),

rollouts as (

    select * from {{ ref('stg_creators__program_rollouts') }}
    where program = 'creator_rewards'

),

window_bounds as (

    select
        min(activity_date) as window_start,
        max(activity_date) as window_end
    from creator_days

),

cohorts as (

    select distinct rollouts.launched_on
    from rollouts
    cross join window_bounds
    where
        rollouts.launched_on > window_bounds.window_start
        and rollouts.launched_on <= window_bounds.window_end

),

event_windows as (

    select
        launched_on as cohort_launched_on,
        cast({{ dbt.dateadd('day', -7 * var('rollout_event_weeks_before', 4), 'launched_on') }} as date)
            as event_window_start,
        cast({{ dbt.dateadd('day', 7 * (var('rollout_event_weeks_after', 6) + 1) - 1, 'launched_on') }} as date)
            as event_window_end
    from cohorts

),

stacks as (

    select
        event_windows.cohort_launched_on,
        case
            when event_windows.event_window_start > window_bounds.window_start
                then event_windows.event_window_start
            else window_bounds.window_start
        end as stack_start,
        case
            when event_windows.event_window_end < window_bounds.window_end
                then event_windows.event_window_end
            else window_bounds.window_end
        end as stack_end
    from event_windows
    cross join window_bounds

),

eligible_creators as (

    select
        creators.creator_id,
        creators.country,
        rollouts.launched_on as country_launched_on
    from creators
    cross join window_bounds
    left join rollouts
        on creators.country = rollouts.country
    where creators.registered_at < cast(window_bounds.window_start as timestamp)

),

stack_members as (

    select
        stacks.cohort_launched_on,
        stacks.stack_start,
        stacks.stack_end,
        eligible_creators.creator_id,
        eligible_creators.country,
        coalesce(eligible_creators.country_launched_on = stacks.cohort_launched_on, false) as is_treated_cohort
    from stacks
    inner join eligible_creators
        on
            stacks.cohort_launched_on = eligible_creators.country_launched_on
            or eligible_creators.country_launched_on is null
            or stacks.stack_end < eligible_creators.country_launched_on

),

stacked as (

    select
        stack_members.cohort_launched_on,
        stack_members.creator_id,
        stack_members.country,
        stack_members.is_treated_cohort,
        creator_days.activity_date,
        cast(floor(
            {{ days_between('stack_members.cohort_launched_on', 'creator_days.activity_date') }} / 7.0
        ) as {{ dbt.type_int() }}) as event_week,
        creator_days.videos_published,
        creator_days.video_views,
        creator_days.qualified_views
    from stack_members
    inner join creator_days
        on
            stack_members.creator_id = creator_days.creator_id
            and stack_members.stack_start <= creator_days.activity_date
            and stack_members.stack_end >= creator_days.activity_date

),

final as (

    {% for outcome in ['videos_published', 'video_views', 'qualified_views'] %}
        select
            '{{ outcome }}' as outcome_name,
            cohort_launched_on,
            creator_id,
            country,
            activity_date,
            is_treated_cohort,
            event_week,
            cast({{ outcome }} as double) as outcome_value
        from stacked
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
