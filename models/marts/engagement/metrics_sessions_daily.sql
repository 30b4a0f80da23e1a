-- One row per UTC day × slice (dimension_name, dimension_value), the grid
-- of metrics_engagement_daily: sessions with an event that day in the slice
-- and sessions per DAU. A session crossing midnight counts on both days.
-- Apart from metrics_engagement_daily so that the daily engagement metrics
-- and the core indicators do not wait for sessionization.
with

active as (

    select * from {{ ref('fct_active_users_daily') }}

),

session_days as (

    select * from {{ ref('int_session_days_counted') }}

),

final as (

    select
        active.metric_date,
        active.dimension_name,
        active.dimension_value,
        active.dau,
        cast(coalesce(session_days.session_count, 0) as {{ dbt.type_bigint() }}) as sessions,
        cast(session_days.session_count as double) / nullif(active.dau, 0) as sessions_per_dau
    from active
    left join session_days
        on
            active.metric_date = session_days.activity_date
            and active.dimension_name = session_days.dimension_name
            and active.dimension_value = session_days.dimension_value

)

select * from final
