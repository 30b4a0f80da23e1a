-- One row per labeler × quest started: the quest start -> complete funnel
-- step with the hours it took (first start and first completion).
with

gamification as (

    select * from {{ ref('stg_labeling__gamification_events') }}
    where quest_id is not null

),

per_quest as (

    select
        labeler_id,
        quest_id,
        min(case when event_type = 'quest_started' then event_at end) as started_at,
        min(case when event_type = 'quest_completed' then event_at end) as completed_at
    from gamification
    group by
        labeler_id,
        quest_id

),

final as (

    select
        labeler_id,
        quest_id,
        started_at,
        cast(started_at as date) as started_date,
        completed_at,
        completed_at is not null as is_completed,
        {{ seconds_between('started_at', 'completed_at') }} / 3600.0 as hours_to_complete
    from per_quest
    where started_at is not null

)

select * from final
