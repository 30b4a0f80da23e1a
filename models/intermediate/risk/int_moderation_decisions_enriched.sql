-- One row per moderation decision, with the decided video, its creator's
-- country, the policy severity, the video's first report and whether the
-- decision is the video's first removal (the one enforcement metrics count).
with

decisions as (

    select * from {{ ref('stg_trust_safety__moderation_decisions') }}

),

videos as (

    select * from {{ ref('stg_app__videos') }}

),

users as (

    select * from {{ ref('stg_app__users') }}

),

policies as (

    select * from {{ ref('stg_trust_safety__policies') }}

),

reports as (

    select * from {{ ref('stg_trust_safety__reports') }}

),

first_reports as (

    select
        video_id,
        min(reported_at) as first_reported_at
    from reports
    group by video_id

),

ranked as (

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
        row_number() over (
            partition by video_id, decision
            order by decided_at asc nulls last, decision_id asc nulls last
        ) as decision_rank_in_kind
    from decisions

),

-- a video's earliest remove decision: its detection source is the one the
-- proactive-removal metrics count on every removal of the video
first_removals as (

    select
        video_id,
        detection_source
    from ranked
    where decision = 'remove' and decision_rank_in_kind = 1

),

final as (

    select
        ranked.decision_id,
        ranked.video_id,
        videos.creator_id,
        users.country as creator_country,
        videos.published_at,
        ranked.decided_at,
        cast(ranked.decided_at as date) as decided_date,
        ranked.decision,
        ranked.decision in ('remove', 'restrict') as is_action,
        ranked.decision = 'remove' and ranked.decision_rank_in_kind = 1 as is_first_removal,
        ranked.policy_id,
        policies.policy_severity,
        ranked.detection_source,
        first_removals.detection_source as first_removal_detection_source,
        ranked.strategy_id,
        ranked.reviewer_type,
        ranked.model_score,
        first_reports.first_reported_at
    from ranked
    left join videos
        on ranked.video_id = videos.video_id
    left join users
        on videos.creator_id = users.user_id
    left join policies
        on ranked.policy_id = policies.policy_id
    left join first_reports
        on ranked.video_id = first_reports.video_id
    left join first_removals
        on ranked.video_id = first_removals.video_id

)

select * from final
