-- One row per gamification grouping × group: labelers grouped by how much
-- they engage with gamification (leaderboard views per active day quartile,
-- whether they completed a quest, badges earned), with the productivity and
-- quality of each group. DESCRIPTIVE ONLY, NOT CAUSAL: engaged labelers
-- differ in skill and motivation, so differences between groups are not the
-- effect of gamification; the experiments (e.g. exp_007, exp_008) measure
-- effects.
with

labelers as (

    select * from {{ ref('dim_labelers') }}
    where active_days > 0

),

labeler_days as (

    select * from {{ ref('int_labeler_days_aggregated') }}

),

totals as (

    select
        labeler_id,
        sum(answered_submissions) as answered_submissions,
        sum(active_minutes) as active_minutes,
        sum(gold_submissions) as gold_submissions,
        sum(gold_correct_submissions) as gold_correct_submissions,
        sum(reviews) as reviews,
        sum(accepted_reviews) as accepted_reviews
    from labeler_days
    group by labeler_id

),

grouped as (

    select
        labelers.labeler_id,
        labelers.active_days,
        totals.answered_submissions,
        totals.active_minutes,
        totals.gold_submissions,
        totals.gold_correct_submissions,
        totals.reviews,
        totals.accepted_reviews,
        cast(ntile(4) over (
            order by
                cast(labelers.leaderboard_views as double) / nullif(labelers.active_days, 0) asc nulls first,
                labelers.labeler_id asc nulls last
        ) as {{ dbt.type_string() }}) as leaderboard_quartile,
        case when labelers.quests_completed > 0 then 'yes' else 'no' end as completed_a_quest,
        case
            when labelers.badges_earned = 0 then '0'
            when labelers.badges_earned = 1 then '1'
            else '2+'
        end as badges_band
    from labelers
    inner join totals
        on labelers.labeler_id = totals.labeler_id

),

sliced as (

    select
        *,
        'leaderboard_views_per_active_day_quartile' as dimension_name,
        leaderboard_quartile as dimension_value
    from grouped
    union all
    select
        *,
        'completed_a_quest' as dimension_name,
        completed_a_quest as dimension_value
    from grouped
    union all
    select
        *,
        'badges_earned' as dimension_name,
        badges_band as dimension_value
    from grouped

),

final as (

    select
        dimension_name,
        dimension_value,
        cast(count(*) as {{ dbt.type_bigint() }}) as labelers,
        cast(sum(answered_submissions) as double) / nullif(sum(active_days), 0)
            as answered_submissions_per_active_day,
        cast(sum(answered_submissions) as double) / nullif(sum(active_minutes) / 60.0, 0)
            as throughput_per_active_hour,
        cast(sum(gold_correct_submissions) as double) / nullif(sum(gold_submissions), 0) as gold_accuracy,
        cast(sum(accepted_reviews) as double) / nullif(sum(reviews), 0) as acceptance_rate,
        'descriptive association, not a causal effect: see the labeling experiments' as interpretation_note
    from sliced
    group by
        dimension_name,
        dimension_value

)

select * from final
