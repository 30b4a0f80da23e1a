-- One row per moderation decision on a video.
-- Clean rows, the first landed copy of each key: the checks are in base_trust_safety__moderation_decisions.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config('decided_at')) }}

with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_trust_safety__moderation_decisions'), ['decision_id']) }}

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
    from deduplicated
    where
        landing_order = 1
        and {{ not_staged_yet('decision_id', 'deduplicated', ref('base_trust_safety__moderation_decisions')) }}

)

select * from final
