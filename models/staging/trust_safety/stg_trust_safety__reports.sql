-- One row per user report of a video.
-- Clean rows, the first landed copy of each key: the checks are in base_trust_safety__reports.
with

base as (

    select * from {{ ref('base_trust_safety__reports') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['report_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

),

final as (

    select
        report_id,
        reporter_user_id,
        video_id,
        reported_at,
        policy_id,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
