-- One row per UTC day × slice: DAU, WAU (7 trailing days) and MAU (28
-- trailing days) as distinct counts of users, and stickiness (DAU / MAU).
-- WAU and MAU are never sums of DAU. They are computed in time linear in
-- user-days with activity intervals: each active day d of a user covers the
-- days [d, d + N - 1]; consecutive active days closer than N days apart
-- merge into one covered run, which adds +1 on its first day and -1 on the
-- day after its end. A running sum of these changes over the days is the
-- number of distinct users whose trailing N-day window contains activity.
-- (No range join of days × activity and no count(distinct) over a window.)
-- A table over the user-days (int_user_days_aggregated, the incremental base).

with

user_days as {{ not_materialized() }} (

    select * from {{ ref('int_user_days_aggregated') }}

),

bounds as (

    select
        min(activity_date) as first_date,
        max(activity_date) as last_date
    from user_days
    where dimension_name = 'all'

),

spine as (

    select spine_days.date_day
    from {{ ref('metricflow_time_spine') }} as spine_days
    cross join bounds
    where
        spine_days.date_day between bounds.first_date and bounds.last_date

),

slices as (

    select distinct
        dimension_name,
        dimension_value
    from user_days

),

slice_days as (

    select
        spine.date_day,
        slices.dimension_name,
        slices.dimension_value
    from spine
    cross join slices

),

daily_active as (

    select
        activity_date,
        dimension_name,
        dimension_value,
        cast(count(*) as {{ dbt.type_bigint() }}) as dau,
        max(max_loaded_at) as max_loaded_at
    from user_days
    group by
        activity_date,
        dimension_name,
        dimension_value

),

neighbours as (

    select
        user_id,
        dimension_name,
        dimension_value,
        activity_date,
        lag(activity_date) over (
            partition by dimension_name, dimension_value, user_id
            order by activity_date asc nulls last
        ) as previous_activity_date,
        lead(activity_date) over (
            partition by dimension_name, dimension_value, user_id
            order by activity_date asc nulls last
        ) as next_activity_date
    from user_days

),

{% for window_days in [7, 28] %}
    window_changes_{{ window_days }} as (

        select
            activity_date as change_date,
            dimension_name,
            dimension_value,
            1 as window_change
        from neighbours
        where
            previous_activity_date is null
            or {{ days_between('previous_activity_date', 'activity_date') }} >= {{ window_days }}
        union all
        select
            {{ add_days('activity_date', window_days) }} as change_date,
            dimension_name,
            dimension_value,
            -1 as window_change
        from neighbours
        where
            next_activity_date is null
            or {{ days_between('activity_date', 'next_activity_date') }} >= {{ window_days }}

    ),

    daily_changes_{{ window_days }} as (

        select
            change_date,
            dimension_name,
            dimension_value,
            sum(window_change) as net_change
        from window_changes_{{ window_days }}
        group by
            change_date,
            dimension_name,
            dimension_value

    ),

{% endfor %}

running as (

    select
        slice_days.date_day,
        slice_days.dimension_name,
        slice_days.dimension_value,
        coalesce(daily_active.dau, 0) as dau,
        daily_active.max_loaded_at,
        sum(coalesce(daily_changes_7.net_change, 0)) over (
            partition by slice_days.dimension_name, slice_days.dimension_value
            order by slice_days.date_day asc nulls last
            rows between unbounded preceding and current row
        ) as wau,
        sum(coalesce(daily_changes_28.net_change, 0)) over (
            partition by slice_days.dimension_name, slice_days.dimension_value
            order by slice_days.date_day asc nulls last
            rows between unbounded preceding and current row
        ) as mau
    from slice_days
    left join daily_active
        on
            slice_days.date_day = daily_active.activity_date
            and slice_days.dimension_name = daily_active.dimension_name
            and slice_days.dimension_value = daily_active.dimension_value
    left join daily_changes_7
        on
            slice_days.date_day = daily_changes_7.change_date
            and slice_days.dimension_name = daily_changes_7.dimension_name
            and slice_days.dimension_value = daily_changes_7.dimension_value
    left join daily_changes_28
        on
            slice_days.date_day = daily_changes_28.change_date
            and slice_days.dimension_name = daily_changes_28.dimension_name
            and slice_days.dimension_value = daily_changes_28.dimension_value

),

final as (

    select
        running.date_day as metric_date,
        running.dimension_name,
        running.dimension_value,
        cast(running.dau as {{ dbt.type_bigint() }}) as dau,
        cast(running.wau as {{ dbt.type_bigint() }}) as wau,
        cast(running.mau as {{ dbt.type_bigint() }}) as mau,
        cast(running.dau as double) / nullif(running.mau, 0) as stickiness_dau_mau,
        cast(running.wau as double) / nullif(running.mau, 0) as wau_mau_ratio,
        {{ days_between('bounds.first_date', 'running.date_day') }} >= 6 as is_wau_window_complete,
        {{ days_between('bounds.first_date', 'running.date_day') }} >= 27 as is_mau_window_complete,
        running.max_loaded_at
    from running
    cross join bounds

)

select * from final
