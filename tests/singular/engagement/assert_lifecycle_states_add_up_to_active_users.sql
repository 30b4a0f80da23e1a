-- Invariant: on every day x slice the lifecycle states add up to the active users of
-- fct_active_users_daily:
--   new + retained + resurrected = active_users = that day's DAU,
--   retained + dormant = previous_day_active_users = the day before's DAU (from the second
--   day of data on, where is_complete),
-- and every day x slice with a DAU has a lifecycle row. Why: the two marts count the same
-- user-days two ways (state transitions vs distinct users), so a user-day lost or counted
-- twice in either shows here. Returns the rows that disagree.
with

lifecycle as (

    select * from {{ ref('fct_user_lifecycle_daily') }}

),

active_users as (

    select * from {{ ref('fct_active_users_daily') }}

),

compared as (

    select
        coalesce(lifecycle.metric_date, active_users.metric_date) as metric_date,
        coalesce(lifecycle.dimension_name, active_users.dimension_name) as dimension_name,
        coalesce(lifecycle.dimension_value, active_users.dimension_value) as dimension_value,
        lifecycle.metric_date is not null as has_lifecycle_row,
        lifecycle.new_users,
        lifecycle.retained_users,
        lifecycle.resurrected_users,
        lifecycle.dormant_users,
        lifecycle.active_users,
        lifecycle.previous_day_active_users,
        lifecycle.is_complete,
        coalesce(active_users.dau, 0) as dau,
        coalesce(previous_day.dau, 0) as previous_day_dau
    from lifecycle
    full outer join active_users
        on
            lifecycle.metric_date = active_users.metric_date
            and lifecycle.dimension_name = active_users.dimension_name
            and lifecycle.dimension_value = active_users.dimension_value
    left join active_users as previous_day
        on
            previous_day.metric_date = {{ add_days('lifecycle.metric_date', -1) }}
            and lifecycle.dimension_name = previous_day.dimension_name
            and lifecycle.dimension_value = previous_day.dimension_value

),

final as (

    select *
    from compared
    where
        (not has_lifecycle_row and dau > 0)
        or active_users <> new_users + retained_users + resurrected_users
        or previous_day_active_users <> retained_users + dormant_users
        or active_users <> dau
        or (is_complete and previous_day_active_users <> previous_day_dau)

)

select * from final
