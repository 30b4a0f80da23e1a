-- One row per UTC day × level: labelers at that level at the end of the day
-- (the level distribution). Every labeler starts at level 1 on the day they
-- joined (or the first day of data for earlier joiners) and moves up with
-- each level_up event. Linear in events: each level change adds -1 to the
-- old level and +1 to the new one; a running sum over days gives the counts.
with

labelers as (

    select * from {{ ref('stg_labeling__labelers') }}

),

level_ups as (

    select * from {{ ref('stg_labeling__gamification_events') }}
    where event_type = 'level_up' and level is not null

),

labeler_days as (

    select * from {{ ref('int_labeler_days_aggregated') }}

),

bounds as (

    select
        min(activity_date) as first_date,
        max(activity_date) as last_date
    from labeler_days

),

ordered_levels as (

    select
        labeler_id,
        cast(event_at as date) as change_date,
        level as new_level,
        lag(level) over (
            partition by labeler_id
            order by event_at asc nulls last, gamification_event_id asc nulls last
        ) as previous_level
    from level_ups

),

changes as (

    select
        case
            when cast(labelers.joined_at as date) < bounds.first_date then bounds.first_date
            else cast(labelers.joined_at as date)
        end as change_date,
        1 as level,
        1 as level_change
    from labelers
    cross join bounds
    union all
    select
        change_date,
        coalesce(previous_level, 1) as level,
        -1 as level_change
    from ordered_levels
    union all
    select
        change_date,
        new_level as level,
        1 as level_change
    from ordered_levels

),

daily_changes as (

    select
        change_date,
        level,
        sum(level_change) as net_change
    from changes
    group by
        change_date,
        level

),

levels as (

    select distinct level from changes

),

spine as (

    select
        spine_days.date_day,
        levels.level
    from {{ ref('metricflow_time_spine') }} as spine_days
    cross join bounds
    cross join levels
    where spine_days.date_day between bounds.first_date and bounds.last_date

),

final as (

    select
        spine.date_day as metric_date,
        cast(spine.level as {{ dbt.type_bigint() }}) as level,
        cast(sum(coalesce(daily_changes.net_change, 0)) over (
            partition by spine.level
            order by spine.date_day asc nulls last
            rows between unbounded preceding and current row
        ) as {{ dbt.type_bigint() }}) as labelers
    from spine
    left join daily_changes
        on
            spine.date_day = daily_changes.change_date
            and spine.level = daily_changes.level

)

select * from final
