-- One row per UTC day × slice (all, labeler_tier, country): the labeling
-- and gamification metrics a BI tool reads, each ratio with its numerator
-- and denominator. Submissions count on their submitted_at day, reviews on
-- reviewed_at, payments on paid_at, gamification events on event_at.
with

labeler_days as (

    select * from {{ ref('fct_labeler_days') }}

),

labelers as (

    select * from {{ ref('dim_labelers') }}

),

bounds as (

    select
        min(activity_date) as first_date,
        max(activity_date) as last_date
    from labeler_days

),

neighbours as (

    select
        labeler_id,
        activity_date,
        lag(activity_date) over (
            partition by labeler_id
            order by activity_date asc nulls last
        ) as previous_active_date,
        lead(activity_date) over (
            partition by labeler_id
            order by activity_date asc nulls last
        ) as next_active_date
    from labeler_days
    where is_active

),

lifecycle_rows as (

    select
        neighbours.labeler_id,
        neighbours.activity_date as state_date,
        case
            when
                neighbours.previous_active_date is null
                and neighbours.activity_date > bounds.first_date
                then 'new'
            when neighbours.previous_active_date = {{ add_days('neighbours.activity_date', -1) }} then 'retained'
            else 'resurrected'
        end as lifecycle_state
    from neighbours
    cross join bounds
    union all
    select
        labeler_id,
        {{ add_days('activity_date', 1) }} as state_date,
        'dormant' as lifecycle_state
    from neighbours
    where next_active_date is null or next_active_date > {{ add_days('activity_date', 1) }}

),

day_rows as (

    select
        labeler_days.labeler_id,
        labeler_days.activity_date as metric_date,
        case when labeler_days.is_active then 1 else 0 end as active_labelers,
        labeler_days.submissions,
        labeler_days.answered_submissions,
        labeler_days.skipped_submissions,
        labeler_days.active_minutes,
        labeler_days.gold_submissions,
        labeler_days.gold_correct_submissions,
        labeler_days.reviews,
        labeler_days.accepted_reviews,
        labeler_days.accrued_task_pay_usd,
        labeler_days.payments_usd,
        labeler_days.xp,
        labeler_days.level_ups,
        labeler_days.badges_earned,
        labeler_days.quests_started,
        labeler_days.quests_completed,
        labeler_days.leaderboard_views,
        0 as new_labelers,
        0 as retained_labelers,
        0 as resurrected_labelers,
        0 as dormant_labelers
    from labeler_days
    union all
    select
        labeler_id,
        state_date as metric_date,
        0 as active_labelers,
        0 as submissions,
        0 as answered_submissions,
        0 as skipped_submissions,
        0.0 as active_minutes,
        0 as gold_submissions,
        0 as gold_correct_submissions,
        0 as reviews,
        0 as accepted_reviews,
        0.0 as accrued_task_pay_usd,
        0.0 as payments_usd,
        0 as xp,
        0 as level_ups,
        0 as badges_earned,
        0 as quests_started,
        0 as quests_completed,
        0 as leaderboard_views,
        case when lifecycle_state = 'new' then 1 else 0 end as new_labelers,
        case when lifecycle_state = 'retained' then 1 else 0 end as retained_labelers,
        case when lifecycle_state = 'resurrected' then 1 else 0 end as resurrected_labelers,
        case when lifecycle_state = 'dormant' then 1 else 0 end as dormant_labelers
    from lifecycle_rows

),

with_attributes as (

    select
        day_rows.*,
        coalesce(labelers.labeler_tier, 'unknown') as labeler_tier,
        coalesce(labelers.country, 'unknown') as country
    from day_rows
    left join labelers
        on day_rows.labeler_id = labelers.labeler_id

),

sliced as (

    select
        *,
        'all' as dimension_name,
        'all' as dimension_value
    from with_attributes
    union all
    select
        *,
        'labeler_tier' as dimension_name,
        labeler_tier as dimension_value
    from with_attributes
    union all
    select
        *,
        'country' as dimension_name,
        country as dimension_value
    from with_attributes

),

summed as (

    select
        sliced.metric_date,
        sliced.dimension_name,
        sliced.dimension_value,
        cast(sum(sliced.active_labelers) as {{ dbt.type_bigint() }}) as active_labelers,
        cast(sum(sliced.submissions) as {{ dbt.type_bigint() }}) as submissions,
        cast(sum(sliced.answered_submissions) as {{ dbt.type_bigint() }}) as answered_submissions,
        cast(sum(sliced.skipped_submissions) as {{ dbt.type_bigint() }}) as skipped_submissions,
        cast(sum(sliced.active_minutes) as double) as active_minutes,
        cast(sum(sliced.gold_submissions) as {{ dbt.type_bigint() }}) as gold_submissions,
        cast(sum(sliced.gold_correct_submissions) as {{ dbt.type_bigint() }}) as gold_correct_submissions,
        cast(sum(sliced.reviews) as {{ dbt.type_bigint() }}) as reviews,
        cast(sum(sliced.accepted_reviews) as {{ dbt.type_bigint() }}) as accepted_reviews,
        cast(sum(sliced.accrued_task_pay_usd) as double) as accrued_task_pay_usd,
        cast(sum(sliced.payments_usd) as double) as payments_usd,
        cast(sum(sliced.xp) as {{ dbt.type_bigint() }}) as xp,
        cast(sum(sliced.level_ups) as {{ dbt.type_bigint() }}) as level_ups,
        cast(sum(sliced.badges_earned) as {{ dbt.type_bigint() }}) as badges_earned,
        cast(sum(sliced.quests_started) as {{ dbt.type_bigint() }}) as quests_started,
        cast(sum(sliced.quests_completed) as {{ dbt.type_bigint() }}) as quests_completed,
        cast(sum(sliced.leaderboard_views) as {{ dbt.type_bigint() }}) as leaderboard_views,
        cast(sum(sliced.new_labelers) as {{ dbt.type_bigint() }}) as new_labelers,
        cast(sum(sliced.retained_labelers) as {{ dbt.type_bigint() }}) as retained_labelers,
        cast(sum(sliced.resurrected_labelers) as {{ dbt.type_bigint() }}) as resurrected_labelers,
        cast(sum(sliced.dormant_labelers) as {{ dbt.type_bigint() }}) as dormant_labelers
    from sliced
    cross join bounds
    where sliced.metric_date <= bounds.last_date
    group by
        sliced.metric_date,
        sliced.dimension_name,
        sliced.dimension_value

),

final as (

    select
        *,
        cast(answered_submissions as double) / nullif(active_minutes / 60.0, 0) as throughput_per_active_hour,
        cast(skipped_submissions as double) / nullif(submissions, 0) as skip_rate,
        cast(gold_correct_submissions as double) / nullif(gold_submissions, 0) as gold_accuracy,
        cast(accepted_reviews as double) / nullif(reviews, 0) as acceptance_rate,
        payments_usd / nullif(accepted_reviews, 0) as cost_per_accepted_label_usd,
        cast(xp as double) / nullif(active_labelers, 0) as xp_per_active_labeler,
        cast(badges_earned as double) / nullif(active_labelers, 0) as badges_per_active_labeler,
        cast(quests_completed as double) / nullif(quests_started, 0) as quest_completion_ratio
    from summed

)

select * from final
