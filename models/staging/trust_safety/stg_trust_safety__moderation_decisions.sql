-- One row per moderation decision on a video.
-- Clean rows only: the checks are in base_trust_safety__moderation_decisions.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config()) }}

with

base as (

    select * from {{ ref('base_trust_safety__moderation_decisions') }}

),

final as (

    select
        decision_id,
        video_id,
        decided_at,
        decision,
        policy_id,
        detection_source,
        strategy_id,
        reviewer_type,
        model_score,
        _loaded_at
    from base
    where
        quarantine_reason is null
        and not is_duplicate
        and {{ staging_incremental_filter('decision_id') }}

)

select * from final
