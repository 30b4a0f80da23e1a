-- The stacked difference-in-differences panel of the creator rewards rollout,
-- long in outcomes. One stack per launch cohort (launch date inside the data
-- window, after its first day). A stack holds the cohort's creators and the
-- clean controls: creators of countries not yet treated on any day of the
-- stack (later cohorts, a launch after the window, or no launch at all).
-- The stack runs from the window's first day to the day before the next
-- cohort launches (or the window's end), so every control is untreated
-- throughout. Only creators registered before the window start are kept, so
-- each stack is a balanced creator x day panel. treatment = the creator's
-- country has launched (intention to treat, independent of enrollment);
-- placebo_treatment places a fake launch at the middle of the stack's
-- pre-period, on pre-period rows only (the pre-trend check).
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

stacks as (

    select
        cohorts.launched_on as cohort_launched_on,
        window_bounds.window_start as stack_start,
        coalesce(
            cast({{ dbt.dateadd('day', -1, 'min(later.launched_on)') }} as date),
            window_bounds.window_end
        ) as stack_end,
        cast({{ dbt.dateadd(
            'day',
            'floor(' ~ dbt.datediff('window_bounds.window_start', 'cohorts.launched_on', 'day') ~ ' / 2)',
            'window_bounds.window_start'
        ) }} as date) as placebo_launched_on
    from cohorts
    cross join window_bounds
    left join cohorts as later
        on cohorts.launched_on < later.launched_on
    group by
        cohorts.launched_on,
        window_bounds.window_start,
        window_bounds.window_end

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
        stacks.placebo_launched_on,
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
        case
            when stack_members.is_treated_cohort and creator_days.activity_date >= stack_members.cohort_launched_on
                then 1
            else 0
        end as treatment,
        creator_days.activity_date < stack_members.cohort_launched_on as is_pre_period,
        case
            when
                stack_members.is_treated_cohort
                and creator_days.activity_date >= stack_members.placebo_launched_on
                then 1
            else 0
        end as placebo_treatment,
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
            is_pre_period,
            treatment,
            placebo_treatment,
            cast({{ outcome }} as double) as outcome_value
        from stacked
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
