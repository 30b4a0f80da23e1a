-- One row per labeler × UTC day with labeling activity: production, quality,
-- cost and gamification, with the day's streak and the labeler's rolling
-- gold accuracy over their last 20 gold tasks as of the end of the day.
with

labeler_days as (

    select * from {{ ref('int_labeler_days_aggregated') }}

),

streaks as (

    select * from {{ ref('int_labeler_streaks_computed') }}

),

scored as (

    select * from {{ ref('int_submissions_scored') }}
    where gold_sequence_number is not null

),

gold_by_day as (

    select
        labeler_id,
        submitted_date,
        max(gold_sequence_number) as last_gold_sequence_number
    from scored
    group by
        labeler_id,
        submitted_date

),

gold_carried as (

    select
        labeler_days.labeler_id,
        labeler_days.activity_date,
        max(gold_by_day.last_gold_sequence_number) over (
            partition by labeler_days.labeler_id
            order by labeler_days.activity_date asc nulls last
            rows between unbounded preceding and current row
        ) as last_gold_sequence_number
    from labeler_days
    left join gold_by_day
        on
            labeler_days.labeler_id = gold_by_day.labeler_id
            and labeler_days.activity_date = gold_by_day.submitted_date

),

final as (

    select
        labeler_days.labeler_id,
        labeler_days.activity_date,
        labeler_days.answered_submissions > 0 as is_active,
        labeler_days.submissions,
        labeler_days.answered_submissions,
        labeler_days.skipped_submissions,
        labeler_days.active_minutes,
        cast(labeler_days.answered_submissions as double)
        / nullif(labeler_days.active_minutes / 60.0, 0) as throughput_per_active_hour,
        cast(labeler_days.skipped_submissions as double) / nullif(labeler_days.submissions, 0) as skip_rate,
        labeler_days.gold_submissions,
        labeler_days.gold_correct_submissions,
        cast(labeler_days.gold_correct_submissions as double)
        / nullif(labeler_days.gold_submissions, 0) as gold_accuracy,
        scored.recent_gold_submissions,
        scored.recent_gold_accuracy,
        labeler_days.reviews,
        labeler_days.accepted_reviews,
        cast(labeler_days.accepted_reviews as double) / nullif(labeler_days.reviews, 0) as acceptance_rate,
        labeler_days.accrued_task_pay_usd,
        labeler_days.payments_usd,
        labeler_days.payments_usd / nullif(labeler_days.accepted_reviews, 0) as cost_per_accepted_label_usd,
        labeler_days.xp,
        labeler_days.level_ups,
        labeler_days.badges_earned,
        labeler_days.quests_started,
        labeler_days.quests_completed,
        labeler_days.leaderboard_views,
        labeler_days.streak_extended_events,
        labeler_days.streak_broken_events,
        coalesce(streaks.streak_day_number, 0) as streak_day_number
    from labeler_days
    left join gold_carried
        on
            labeler_days.labeler_id = gold_carried.labeler_id
            and labeler_days.activity_date = gold_carried.activity_date
    left join scored
        on
            gold_carried.labeler_id = scored.labeler_id
            and gold_carried.last_gold_sequence_number = scored.gold_sequence_number
    left join streaks
        on
            labeler_days.labeler_id = streaks.labeler_id
            and labeler_days.activity_date = streaks.activity_date

)

select * from final
