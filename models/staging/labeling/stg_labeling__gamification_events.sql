-- One row per gamification event of a labeler (XP, levels, streaks, badges, quests, leaderboard views).
-- Clean rows only: the checks are in base_labeling__gamification_events.
with

base as (

    select * from {{ ref('base_labeling__gamification_events') }}

),

final as (

    select
        gamification_event_id,
        labeler_id,
        event_at,
        event_type,
        xp,
        badge_id,
        quest_id,
        level,
        _loaded_at
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
