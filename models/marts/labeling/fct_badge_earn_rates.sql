-- One row per badge: how many labelers earned it, the share of all labelers
-- and of labelers who answered at least once, and the median days from
-- joining to earning it.
with

badges as (

    select * from {{ ref('stg_labeling__gamification_events') }}
    where event_type = 'badge_earned' and badge_id is not null

),

labelers as (

    select * from {{ ref('dim_labelers') }}

),

first_earned as (

    select
        labeler_id,
        badge_id,
        min(event_at) as earned_at
    from badges
    group by
        labeler_id,
        badge_id

),

population as (

    select
        count(*) as all_labelers,
        sum(case when answered_submissions > 0 then 1 else 0 end) as active_labelers
    from labelers

),

per_badge as (

    select
        first_earned.badge_id,
        count(*) as labelers_earned,
        percentile_cont(0.5) within group (
            order by {{ seconds_between('labelers.joined_at', 'first_earned.earned_at') }} / 86400.0
        ) as median_days_to_earn
    from first_earned
    left join labelers
        on first_earned.labeler_id = labelers.labeler_id
    group by first_earned.badge_id

),

final as (

    select
        per_badge.badge_id,
        cast(per_badge.labelers_earned as {{ dbt.type_bigint() }}) as labelers_earned,
        cast(per_badge.labelers_earned as double) / nullif(population.all_labelers, 0) as earn_rate_all_labelers,
        cast(per_badge.labelers_earned as double) / nullif(population.active_labelers, 0)
            as earn_rate_active_labelers,
        cast(per_badge.median_days_to_earn as double) as median_days_to_earn
    from per_badge
    cross join population

)

select * from final
