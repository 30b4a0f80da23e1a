-- One row per UTC day × slice: users in each daily lifecycle state and the
-- transition rates between days (after Duolingo's growth model, simplified
-- to a one-day period):
--   new          active today, and today is the signup day;
--   retained     active today and yesterday (not new);
--   resurrected  active today, not yesterday, not new;
--   dormant      active yesterday, not today (churned this day).
-- new + retained + resurrected = DAU; retained + dormant = yesterday's DAU.
-- A table over the user-days (int_user_days_aggregated, the incremental base).

with

user_days as {{ not_materialized() }} (

    select * from {{ ref('int_user_days_aggregated') }}

),

users as (

    select * from {{ ref('stg_app__users') }}

),

bounds as (

    select
        min(activity_date) as first_date,
        max(activity_date) as last_date
    from user_days
    where dimension_name = 'all'

),

neighbours as (

    select
        user_days.user_id,
        user_days.dimension_name,
        user_days.dimension_value,
        user_days.activity_date,
        user_days.max_loaded_at,
        cast(users.signup_at as date) as signup_date,
        lag(user_days.activity_date) over (
            partition by user_days.dimension_name, user_days.dimension_value, user_days.user_id
            order by user_days.activity_date asc nulls last
        ) as previous_activity_date,
        lead(user_days.activity_date) over (
            partition by user_days.dimension_name, user_days.dimension_value, user_days.user_id
            order by user_days.activity_date asc nulls last
        ) as next_activity_date
    from user_days
    left join users
        on user_days.user_id = users.user_id

),

active_states as (

    select
        activity_date as state_date,
        dimension_name,
        dimension_value,
        case
            when activity_date = signup_date then 'new'
            when previous_activity_date = {{ add_days('activity_date', -1) }} then 'retained'
            else 'resurrected'
        end as lifecycle_state,
        max_loaded_at
    from neighbours

),

dormant_states as (

    select
        {{ add_days('activity_date', 1) }} as state_date,
        dimension_name,
        dimension_value,
        'dormant' as lifecycle_state,
        cast(null as {{ dbt.type_timestamp() }}) as max_loaded_at
    from neighbours
    where
        next_activity_date is null
        or next_activity_date > {{ add_days('activity_date', 1) }}

),

states as (

    select * from active_states
    union all
    select * from dormant_states

),

counted as (

    select
        states.state_date,
        states.dimension_name,
        states.dimension_value,
        cast(sum(case when states.lifecycle_state = 'new' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as new_users,
        cast(sum(case when states.lifecycle_state = 'retained' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as retained_users,
        cast(sum(case when states.lifecycle_state = 'resurrected' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as resurrected_users,
        cast(sum(case when states.lifecycle_state = 'dormant' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as dormant_users,
        max(states.max_loaded_at) as max_loaded_at
    from states
    cross join bounds
    where
        states.state_date <= bounds.last_date
    group by
        states.state_date,
        states.dimension_name,
        states.dimension_value

),

final as (

    select
        counted.state_date as metric_date,
        counted.dimension_name,
        counted.dimension_value,
        counted.new_users,
        counted.retained_users,
        counted.resurrected_users,
        counted.dormant_users,
        cast(counted.new_users + counted.retained_users + counted.resurrected_users as {{ dbt.type_bigint() }})
            as active_users,
        cast(counted.retained_users + counted.dormant_users as {{ dbt.type_bigint() }}) as previous_day_active_users,
        cast(counted.retained_users as double)
        / nullif(counted.retained_users + counted.dormant_users, 0) as retained_rate,
        cast(counted.dormant_users as double)
        / nullif(counted.retained_users + counted.dormant_users, 0) as dormant_rate,
        cast(counted.resurrected_users as double)
        / nullif(counted.new_users + counted.retained_users + counted.resurrected_users, 0) as resurrected_share,
        cast(counted.new_users + counted.resurrected_users as double)
        / nullif(counted.dormant_users, 0) as quick_ratio,
        counted.state_date > bounds.first_date as is_complete,
        counted.max_loaded_at
    from counted
    cross join bounds

)

select * from final
