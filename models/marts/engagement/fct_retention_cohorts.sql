{%- set retention_days = [1, 7, 14, 28] -%}
-- One row per signup day × slice: N-day retention of the users who signed
-- up that UTC day, for N = 1, 7, 14, 28, in two definitions (Mixpanel):
--   on day N           active on the calendar day signup_date + N;
--   on or after day N  active on any day from signup_date + N to the data end.
-- Calendar days, not rolling 24-hour windows: a signup at 23:59 and a return
-- at 00:01 the next day is day-1 retained. Slices use the user's signup
-- attributes (country, platform, age band, acquisition channel). Cohorts
-- whose day N is after the last day of data are flagged incomplete.
with

user_days as {{ not_materialized() }} (

    select * from {{ ref('int_user_days_aggregated') }}
    where dimension_name = 'all'

),

users as (

    select * from {{ ref('stg_app__users') }}

),

bounds as (

    select
        min(activity_date) as first_date,
        max(activity_date) as last_date
    from user_days

),

cohort_users as (

    select
        users.user_id,
        cast(users.signup_at as date) as signup_date,
        coalesce(users.country, 'unknown') as country,
        coalesce(users.platform, 'unknown') as platform,
        coalesce(users.age_band, 'unknown') as age_band,
        coalesce(users.acquisition_channel, 'unknown') as acquisition_channel
    from users
    cross join bounds
    where cast(users.signup_at as date) between bounds.first_date and bounds.last_date

),

cohort_days as (

    select
        cohort_users.user_id,
        cohort_users.signup_date,
        cohort_users.country,
        cohort_users.platform,
        cohort_users.age_band,
        cohort_users.acquisition_channel,
        {{ days_between('cohort_users.signup_date', 'user_days.activity_date') }} as days_since_signup
    from cohort_users
    left join user_days
        on cohort_users.user_id = user_days.user_id

),

user_flags as (

    select
        user_id,
        signup_date,
        country,
        platform,
        age_band,
        acquisition_channel,
        {%- for n in retention_days %}
            max(case when days_since_signup = {{ n }} then 1 else 0 end) as is_active_on_day_{{ n }},
            max(case when days_since_signup >= {{ n }} then 1 else 0 end) as is_active_on_or_after_day_{{ n }},
        {%- endfor %}
        count(*) as cohort_rows
    from cohort_days
    group by
        user_id,
        signup_date,
        country,
        platform,
        age_band,
        acquisition_channel

),

sliced as (

    select
        *,
        'all' as dimension_name,
        'all' as dimension_value
    from user_flags
    union all
    select
        *,
        'country' as dimension_name,
        country as dimension_value
    from user_flags
    union all
    select
        *,
        'platform' as dimension_name,
        platform as dimension_value
    from user_flags
    union all
    select
        *,
        'age_band' as dimension_name,
        age_band as dimension_value
    from user_flags
    union all
    select
        *,
        'acquisition_channel' as dimension_name,
        acquisition_channel as dimension_value
    from user_flags

),

counted as (

    select
        signup_date,
        dimension_name,
        dimension_value,
        {%- for n in retention_days %}
            cast(sum(is_active_on_day_{{ n }}) as {{ dbt.type_bigint() }}) as retained_on_day_{{ n }}_users,
            cast(sum(is_active_on_or_after_day_{{ n }}) as {{ dbt.type_bigint() }})
                as retained_on_or_after_day_{{ n }}_users,
        {%- endfor %}
        cast(count(*) as {{ dbt.type_bigint() }}) as cohort_users
    from sliced
    group by
        signup_date,
        dimension_name,
        dimension_value

),

final as (

    select
        counted.signup_date,
        counted.dimension_name,
        counted.dimension_value,
        counted.cohort_users,
        {%- for n in retention_days %}
            counted.retained_on_day_{{ n }}_users,
            counted.retained_on_or_after_day_{{ n }}_users,
            cast(counted.retained_on_day_{{ n }}_users as double)
            / nullif(counted.cohort_users, 0) as retention_on_day_{{ n }},
            cast(counted.retained_on_or_after_day_{{ n }}_users as double)
            / nullif(counted.cohort_users, 0) as retention_on_or_after_day_{{ n }},
            {{ add_days('counted.signup_date', n) }} <= bounds.last_date as is_day_{{ n }}_complete,
        {%- endfor %}
        bounds.last_date as observed_through_date
    from counted
    cross join bounds

)

select * from final
