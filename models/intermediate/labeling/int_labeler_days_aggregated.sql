-- One row per labeler × UTC day with any labeling activity: submissions (by
-- submitted_at day), reviews of the labeler's submissions (by reviewed_at
-- day), payments (by paid_at day) and gamification events (by event_at day).
-- Each source is rolled up on its own event day, then the rollups are
-- stacked and summed, so a day with only a payment still has a row.
-- Materialized as a table: read by several marts and by window functions.
{{ config(materialized='table') }}

with

submissions as (

    select * from {{ ref('int_submissions_scored') }}

),

payments as (

    select * from {{ ref('stg_labeling__payments') }}

),

gamification as (

    select * from {{ ref('stg_labeling__gamification_events') }}

),

submission_rows as (

    select
        labeler_id,
        submitted_date as activity_date,
        1 as submissions,
        case when is_skipped then 0 else 1 end as answered_submissions,
        case when is_skipped then 1 else 0 end as skipped_submissions,
        lead_seconds / 60.0 as active_minutes,
        case when is_gold_correct is not null then 1 else 0 end as gold_submissions,
        case when is_gold_correct then 1 else 0 end as gold_correct_submissions,
        case when is_skipped then 0.0 else coalesce(pay_per_task_usd, 0.0) end as accrued_task_pay_usd,
        0 as reviews,
        0 as accepted_reviews,
        0.0 as payments_usd,
        0 as xp,
        0 as level_ups,
        0 as badges_earned,
        0 as quests_started,
        0 as quests_completed,
        0 as leaderboard_views,
        0 as streak_extended_events,
        0 as streak_broken_events
    from submissions

),

review_rows as (

    select
        labeler_id,
        cast(reviewed_at as date) as activity_date,
        0 as submissions,
        0 as answered_submissions,
        0 as skipped_submissions,
        0.0 as active_minutes,
        0 as gold_submissions,
        0 as gold_correct_submissions,
        0.0 as accrued_task_pay_usd,
        1 as reviews,
        case when is_accepted then 1 else 0 end as accepted_reviews,
        0.0 as payments_usd,
        0 as xp,
        0 as level_ups,
        0 as badges_earned,
        0 as quests_started,
        0 as quests_completed,
        0 as leaderboard_views,
        0 as streak_extended_events,
        0 as streak_broken_events
    from submissions
    where reviewed_at is not null

),

payment_rows as (

    select
        labeler_id,
        cast(paid_at as date) as activity_date,
        0 as submissions,
        0 as answered_submissions,
        0 as skipped_submissions,
        0.0 as active_minutes,
        0 as gold_submissions,
        0 as gold_correct_submissions,
        0.0 as accrued_task_pay_usd,
        0 as reviews,
        0 as accepted_reviews,
        amount_usd as payments_usd,
        0 as xp,
        0 as level_ups,
        0 as badges_earned,
        0 as quests_started,
        0 as quests_completed,
        0 as leaderboard_views,
        0 as streak_extended_events,
        0 as streak_broken_events
    from payments

),

gamification_rows as (

    select
        labeler_id,
        cast(event_at as date) as activity_date,
        0 as submissions,
        0 as answered_submissions,
        0 as skipped_submissions,
        0.0 as active_minutes,
        0 as gold_submissions,
        0 as gold_correct_submissions,
        0.0 as accrued_task_pay_usd,
        0 as reviews,
        0 as accepted_reviews,
        0.0 as payments_usd,
        case when event_type = 'xp_awarded' then coalesce(xp, 0) else 0 end as xp,
        case when event_type = 'level_up' then 1 else 0 end as level_ups,
        case when event_type = 'badge_earned' then 1 else 0 end as badges_earned,
        case when event_type = 'quest_started' then 1 else 0 end as quests_started,
        case when event_type = 'quest_completed' then 1 else 0 end as quests_completed,
        case when event_type = 'leaderboard_viewed' then 1 else 0 end as leaderboard_views,
        case when event_type = 'streak_extended' then 1 else 0 end as streak_extended_events,
        case when event_type = 'streak_broken' then 1 else 0 end as streak_broken_events
    from gamification

),

stacked as (

    select * from submission_rows
    union all
    select * from review_rows
    union all
    select * from payment_rows
    union all
    select * from gamification_rows

),

final as (

    select
        labeler_id,
        activity_date,
        cast(sum(submissions) as {{ dbt.type_bigint() }}) as submissions,
        cast(sum(answered_submissions) as {{ dbt.type_bigint() }}) as answered_submissions,
        cast(sum(skipped_submissions) as {{ dbt.type_bigint() }}) as skipped_submissions,
        cast(sum(active_minutes) as double) as active_minutes,
        cast(sum(gold_submissions) as {{ dbt.type_bigint() }}) as gold_submissions,
        cast(sum(gold_correct_submissions) as {{ dbt.type_bigint() }}) as gold_correct_submissions,
        cast(sum(accrued_task_pay_usd) as double) as accrued_task_pay_usd,
        cast(sum(reviews) as {{ dbt.type_bigint() }}) as reviews,
        cast(sum(accepted_reviews) as {{ dbt.type_bigint() }}) as accepted_reviews,
        cast(sum(payments_usd) as double) as payments_usd,
        cast(sum(xp) as {{ dbt.type_bigint() }}) as xp,
        cast(sum(level_ups) as {{ dbt.type_bigint() }}) as level_ups,
        cast(sum(badges_earned) as {{ dbt.type_bigint() }}) as badges_earned,
        cast(sum(quests_started) as {{ dbt.type_bigint() }}) as quests_started,
        cast(sum(quests_completed) as {{ dbt.type_bigint() }}) as quests_completed,
        cast(sum(leaderboard_views) as {{ dbt.type_bigint() }}) as leaderboard_views,
        cast(sum(streak_extended_events) as {{ dbt.type_bigint() }}) as streak_extended_events,
        cast(sum(streak_broken_events) as {{ dbt.type_bigint() }}) as streak_broken_events
    from stacked
    group by
        labeler_id,
        activity_date

)

select * from final
