-- One row per user report of a video.
-- Clean rows, the first landed copy of each key: the checks are in base_trust_safety__reports.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_trust_safety__reports'), ['report_id']) }}

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
