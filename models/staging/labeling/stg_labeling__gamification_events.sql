-- One row per gamification event of a labeler (XP, levels, streaks, badges, quests, leaderboard views).
-- Clean rows, the first landed copy of each key: the checks are in base_labeling__gamification_events.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_labeling__gamification_events'), ['gamification_event_id']) }}

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
    from deduplicated
    where landing_order = 1

)

select * from final
