-- One row per moderation decision, with what the removal metrics of the
-- MetricFlow semantic layer count on it: whether the video's first removal
-- came from proactive detection and whether the decision came within 24 hours
-- of publishing. Removal metrics count distinct videos with a remove decision
-- per decided day (as metrics_risk_daily); python_checks/test_metricflow.py
-- checks that the two agree. A view over the enriched decisions.
{{ config(materialized='view') }}
with

decisions as (

    select * from {{ ref('int_moderation_decisions_enriched') }}

),

final as (

    select
        decisions.decision_id,
        decisions.video_id,
        decisions.creator_id,
        decisions.creator_country,
        decisions.published_at,
        decisions.decided_at,
        decisions.decided_date,
        decisions.decision,
        decisions.is_first_removal,
        decisions.policy_id,
        decisions.policy_severity,
        decisions.detection_source,
        decisions.strategy_id,
        decisions.reviewer_type,
        decisions.first_removal_detection_source,
        decisions.decided_at <= {{ dbt.dateadd('hour', 24, 'decisions.published_at') }} as is_within_24h_of_publish
    from decisions

)

select * from final
