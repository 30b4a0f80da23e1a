-- One row per registered app user: the signup attributes every engagement
-- metric can be sliced by in the MetricFlow semantic layer (user__country,
-- user__platform, ...), and the user's signup cohort flags. Day-N retention
-- uses calendar days (active on the UTC day signup_date + N), as
-- fct_retention_cohorts; a day N after the last day of data is not observed,
-- and the user leaves that retention's denominator.
-- python_checks/test_metricflow.py checks that the retention metrics read
-- from here equal fct_retention_cohorts and the core indicators.
with

users as (

    select * from {{ ref('stg_app__users') }}

),

user_days as (

    select * from {{ ref('fct_user_days') }}

),

bounds as (

    select max(activity_date) as last_date
    from user_days

),

signups as (

    select
        user_id,
        cast(signup_at as date) as signup_date,
        coalesce(country, 'unknown') as country,
        coalesce(platform, 'unknown') as platform,
        coalesce(age_band, 'unknown') as age_band,
        coalesce(acquisition_channel, 'unknown') as acquisition_channel
    from users

),

days_after_signup as (

    select
        signups.user_id,
        {{ days_between('signups.signup_date', 'user_days.activity_date') }} as days_since_signup
    from signups
    inner join user_days
        on signups.user_id = user_days.user_id

),

activity_flags as (

    select
        user_id,
        max(case when days_since_signup = 1 then 1 else 0 end) = 1 as is_active_on_day_1,
        max(case when days_since_signup = 7 then 1 else 0 end) = 1 as is_active_on_day_7
    from days_after_signup
    group by user_id

),

final as (

    select
        signups.user_id,
        signups.signup_date,
        signups.country,
        signups.platform,
        signups.age_band,
        signups.acquisition_channel,
        coalesce(activity_flags.is_active_on_day_1, false) as is_active_on_day_1,
        coalesce(activity_flags.is_active_on_day_7, false) as is_active_on_day_7,
        {{ add_days('signups.signup_date', 1) }} <= bounds.last_date as is_day_1_observed,
        {{ add_days('signups.signup_date', 7) }} <= bounds.last_date as is_day_7_observed
    from signups
    cross join bounds
    left join activity_flags
        on signups.user_id = activity_flags.user_id

)

select * from final
