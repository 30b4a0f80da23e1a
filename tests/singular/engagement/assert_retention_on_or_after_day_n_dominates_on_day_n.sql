-- Invariant: in every signup cohort x slice of fct_retention_cohorts,
--   retained on day N <= retained on or after day N <= cohort users (N = 1, 7, 14, 28), and
--   retained on or after day 28 <= ... on or after 14 <= ... on or after 7 <= ... on or after 1
-- (a user active on day N is active on or after it; on or after a later day implies on or
-- after an earlier one), and each retention rate is its users / cohort_users. Why: the two
-- definitions are computed separately; a boundary off by a day breaks the order.
-- Returns the cohorts that break it.
{%- set days = [1, 7, 14, 28] %}
with

cohorts as (

    select * from {{ ref('fct_retention_cohorts') }}

),

final as (

    select
        signup_date,
        dimension_name,
        dimension_value,
        {%- for day in days %}
            retained_on_day_{{ day }}_users,
            retained_on_or_after_day_{{ day }}_users,
            retention_on_day_{{ day }},
            retention_on_or_after_day_{{ day }},
        {%- endfor %}
        cohort_users
    from cohorts
    where
        retained_on_or_after_day_28_users > retained_on_or_after_day_14_users
        or retained_on_or_after_day_14_users > retained_on_or_after_day_7_users
        or retained_on_or_after_day_7_users > retained_on_or_after_day_1_users
        {%- for day in days %}
            or retained_on_day_{{ day }}_users > retained_on_or_after_day_{{ day }}_users
            or retained_on_or_after_day_{{ day }}_users > cohort_users
            or abs(
                retention_on_day_{{ day }}
                - cast(retained_on_day_{{ day }}_users as double) / nullif(cohort_users, 0)
            ) > 1e-12
            or abs(
                retention_on_or_after_day_{{ day }}
                - cast(retained_on_or_after_day_{{ day }}_users as double) / nullif(cohort_users, 0)
            ) > 1e-12
        {%- endfor %}

)

select * from final
