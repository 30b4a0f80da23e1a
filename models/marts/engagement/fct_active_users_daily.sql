-- One row per UTC day × slice: DAU, WAU (7 trailing days) and MAU (28
-- trailing days) as distinct counts of users, and stickiness (DAU / MAU).
-- WAU and MAU are never sums of DAU. They are computed in time linear in
-- user-days with activity intervals: each active day d of a user covers the
-- days [d, d + N - 1]; consecutive active days closer than N days apart
-- merge into one covered run, which adds +1 on its first day and -1 on the
-- day after its end. A running sum of these changes over the days is the
-- number of distinct users whose trailing N-day window contains activity.
-- (No range join of days × activity and no count(distinct) over a window.)
-- Incremental (docs/incremental.md): a run rebuilds every day from the
-- earliest day whose user-days it rebuilt upstream. A day's WAU/MAU depend on
-- its 28 trailing days only, so the run reads user-days from 27 days before
-- that day (of those before it, each user's latest): the running sums
-- restart there and are exact from that day on.
{{ config(**days_from_earliest_config('metric_date')) }}
-- read by earliest_event_day_landed_in_window() on incremental runs:
-- depends_on: {{ ref('int_user_days_aggregated') }}
{%- set rebuilt_from = earliest_event_day_landed_in_window(
    ref('int_user_days_aggregated'), 'activity_date', loaded_at_column='max_loaded_at') if is_incremental() %}
with

all_user_days as {{ not_materialized() }} (

    select * from {{ ref('int_user_days_aggregated') }}

),

-- on an incremental run computed once for its three readers (a few days of
-- rows); on a full build every user-day, streamed into each
user_days as {{ materialized() if is_incremental() else not_materialized() }} (

    {% if is_incremental() %}
        select
            user_id,
            dimension_name,
            dimension_value,
            activity_date,
            max_loaded_at
        from all_user_days
        where activity_date >= {{ rebuilt_from }}
        union all
        -- of a user's days before the rebuilt ones only the latest matters: its
        -- trailing window covers the most of them (the days before are not output)
        select
            user_id,
            dimension_name,
            dimension_value,
            max(activity_date) as activity_date,
            cast(null as {{ dbt.type_timestamp() }}) as max_loaded_at
        from all_user_days
        where
            activity_date >= {{ add_days(rebuilt_from, -27) }}
            and activity_date < {{ rebuilt_from }}
        group by
            user_id,
            dimension_name,
            dimension_value
    {% else %}
        select * from all_user_days
    {% endif %}

),

bounds as (

    select
        min(activity_date) as first_date,
        max(activity_date) as last_date
    from all_user_days
    where dimension_name = 'all'

),

spine as (

    select spine_days.date_day
    from {{ ref('metricflow_time_spine') }} as spine_days
    cross join bounds
    where
        spine_days.date_day between bounds.first_date and bounds.last_date
    {% if is_incremental() %}
        -- the running sums start with the user-days read
        and spine_days.date_day >= {{ add_days(rebuilt_from, -27) }}
    {% endif %}

),

slices as (

    select distinct
        dimension_name,
        dimension_value
    from user_days
    {%- if is_incremental() %}
    -- a slice without activity in the days read still gets its rows
    union
    select
        dimension_name,
        dimension_value
    from {{ this }}
    {%- endif %}

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
    {%- if is_incremental() %}
    where running.date_day >= {{ rebuilt_from }}
    {%- endif %}

)

select * from final
