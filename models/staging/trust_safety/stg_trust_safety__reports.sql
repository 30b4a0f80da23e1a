-- One row per user report of a video.
-- Clean rows only: the checks are in base_trust_safety__reports.
with

base as (

    select * from {{ ref('base_trust_safety__reports') }}

),

final as (

    select
        report_id,
        reporter_user_id,
        video_id,
        reported_at,
        policy_id,
        _loaded_at
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
