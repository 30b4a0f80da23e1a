-- One row per gamification event of a labeler (XP, levels, streaks, badges, quests, leaderboard views).
-- Clean rows, the first landed copy of each key: the checks are in base_labeling__gamification_events.
with

base as (

    select * from {{ ref('base_labeling__gamification_events') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['gamification_event_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

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
