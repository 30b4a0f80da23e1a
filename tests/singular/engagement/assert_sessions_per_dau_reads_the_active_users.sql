-- Invariant: metrics_sessions_daily has the day x slice grid of fct_active_users_daily with its
-- DAU, at least one session per active user (a user active that day in the slice has a
-- session with an event that day in the slice), and sessions_per_dau = sessions / dau (null
-- when dau is 0). Why: sessions and DAU come from different models (sessionized events vs
-- user-days); a slice value spelled differently, or a day lost by one of them, shows here.
-- Returns the rows that disagree.
with

sessions as (

    select * from {{ ref('metrics_sessions_daily') }}

),

active_users as (

    select * from {{ ref('fct_active_users_daily') }}

),

compared as (

    select
        coalesce(sessions.metric_date, active_users.metric_date) as metric_date,
        coalesce(sessions.dimension_name, active_users.dimension_name) as dimension_name,
        coalesce(sessions.dimension_value, active_users.dimension_value) as dimension_value,
        sessions.metric_date is not null as has_sessions_row,
        active_users.metric_date is not null as has_active_users_row,
        sessions.dau,
        active_users.dau as active_users_dau,
        sessions.sessions,
        sessions.sessions_per_dau,
        cast(sessions.sessions as double) / nullif(sessions.dau, 0) as recomputed_sessions_per_dau
    from sessions
    full outer join active_users
        on
            sessions.metric_date = active_users.metric_date
            and sessions.dimension_name = active_users.dimension_name
            and sessions.dimension_value = active_users.dimension_value

),

final as (

    select *
    from compared
    where
        not has_sessions_row
        or not has_active_users_row
        or dau <> active_users_dau
        or sessions < dau
        or coalesce(
            abs(sessions_per_dau - recomputed_sessions_per_dau) > 1e-9 * greatest(1, recomputed_sessions_per_dau),
            (sessions_per_dau is null) <> (recomputed_sessions_per_dau is null)
        )

)

select * from final
