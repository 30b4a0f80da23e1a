-- One row per labeler: attributes, lifetime production and quality, level,
-- XP, badges, current and longest answer streaks, and lifecycle state as of
-- the last day of labeling data.
with

labelers as (

    select * from {{ ref('stg_labeling__labelers') }}

),

labeler_days as (

    select * from {{ ref('int_labeler_days_aggregated') }}

),

streaks as (

    select * from {{ ref('int_labeler_streaks_computed') }}

),

gamification as (

    select * from {{ ref('stg_labeling__gamification_events') }}

),

bounds as (

    select max(activity_date) as last_date
    from labeler_days

),

totals as (

    select
        labeler_id,
        min(case when answered_submissions > 0 then activity_date end) as first_active_date,
        max(case when answered_submissions > 0 then activity_date end) as last_active_date,
        cast(sum(case when answered_submissions > 0 then 1 else 0 end) as {{ dbt.type_bigint() }}) as active_days,
        cast(sum(submissions) as {{ dbt.type_bigint() }}) as submissions,
        cast(sum(answered_submissions) as {{ dbt.type_bigint() }}) as answered_submissions,
        cast(sum(skipped_submissions) as {{ dbt.type_bigint() }}) as skipped_submissions,
        cast(sum(active_minutes) as double) as active_minutes,
        cast(sum(gold_submissions) as {{ dbt.type_bigint() }}) as gold_submissions,
        cast(sum(gold_correct_submissions) as {{ dbt.type_bigint() }}) as gold_correct_submissions,
        cast(sum(reviews) as {{ dbt.type_bigint() }}) as reviews,
        cast(sum(accepted_reviews) as {{ dbt.type_bigint() }}) as accepted_reviews,
        cast(sum(payments_usd) as double) as payments_usd,
        cast(sum(xp) as {{ dbt.type_bigint() }}) as total_xp,
        cast(sum(badges_earned) as {{ dbt.type_bigint() }}) as badges_earned,
        cast(sum(quests_completed) as {{ dbt.type_bigint() }}) as quests_completed,
        cast(sum(leaderboard_views) as {{ dbt.type_bigint() }}) as leaderboard_views
    from labeler_days
    group by labeler_id

),

levels as (

    select
        labeler_id,
        max(level) as current_level
    from gamification
    where event_type = 'level_up'
    group by labeler_id

),

streak_summary as (

    select
        streaks.labeler_id,
        max(streaks.streak_length_days) as longest_streak_days,
        max(
            case
                when streaks.activity_date = bounds.last_date then streaks.streak_day_number
                else 0
            end
        ) as current_streak_days
    from streaks
    cross join bounds
    group by streaks.labeler_id

),

final as (

    select
        labelers.labeler_id,
        labelers.joined_at,
        cast(labelers.joined_at as date) as joined_date,
        labelers.country,
        labelers.labeler_tier,
        labelers.referral_source,
        totals.first_active_date,
        totals.last_active_date,
        cast(coalesce(totals.active_days, 0) as {{ dbt.type_bigint() }}) as active_days,
        cast(coalesce(totals.submissions, 0) as {{ dbt.type_bigint() }}) as submissions,
        cast(coalesce(totals.answered_submissions, 0) as {{ dbt.type_bigint() }}) as answered_submissions,
        cast(totals.skipped_submissions as double) / nullif(totals.submissions, 0) as skip_rate,
        cast(totals.answered_submissions as double) / nullif(totals.active_minutes / 60.0, 0)
            as throughput_per_active_hour,
        cast(totals.gold_correct_submissions as double) / nullif(totals.gold_submissions, 0) as gold_accuracy,
        cast(totals.accepted_reviews as double) / nullif(totals.reviews, 0) as acceptance_rate,
        cast(coalesce(totals.payments_usd, 0) as double) as payments_usd,
        cast(coalesce(totals.total_xp, 0) as {{ dbt.type_bigint() }}) as total_xp,
        cast(coalesce(levels.current_level, 1) as {{ dbt.type_bigint() }}) as current_level,
        cast(coalesce(totals.badges_earned, 0) as {{ dbt.type_bigint() }}) as badges_earned,
        cast(coalesce(totals.quests_completed, 0) as {{ dbt.type_bigint() }}) as quests_completed,
        cast(coalesce(totals.leaderboard_views, 0) as {{ dbt.type_bigint() }}) as leaderboard_views,
        cast(coalesce(streak_summary.current_streak_days, 0) as {{ dbt.type_bigint() }}) as current_streak_days,
        cast(coalesce(streak_summary.longest_streak_days, 0) as {{ dbt.type_bigint() }}) as longest_streak_days,
        case
            when totals.last_active_date is null then 'never_active'
            when totals.last_active_date = bounds.last_date and totals.first_active_date = bounds.last_date
                then 'new'
            when totals.last_active_date = bounds.last_date then 'active'
            when {{ days_between('totals.last_active_date', 'bounds.last_date') }} <= 7
                then 'lapsing'
            else 'dormant'
        end as lifecycle_state
    from labelers
    cross join bounds
    left join totals
        on labelers.labeler_id = totals.labeler_id
    left join levels
        on labelers.labeler_id = levels.labeler_id
    left join streak_summary
        on labelers.labeler_id = streak_summary.labeler_id

)

select * from final
