-- One row per review of a submission.
-- Clean rows only: the checks are in base_labeling__reviews.
with

base as (

    select * from {{ ref('base_labeling__reviews') }}

),

final as (

    select
        review_id,
        submission_id,
        reviewed_at,
        is_accepted,
        reviewer_id,
        _loaded_at
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
