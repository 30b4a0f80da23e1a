-- One row per review of a submission.
-- Clean rows, the first landed copy of each key: the checks are in base_labeling__reviews.
with

base as (

    select * from {{ ref('base_labeling__reviews') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['review_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

),

final as (

    select
        review_id,
        submission_id,
        reviewed_at,
        is_accepted,
        reviewer_id,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
