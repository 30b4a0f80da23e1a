-- One row per review of a submission.
-- Clean rows, the first landed copy of each key: the checks are in base_labeling__reviews.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_labeling__reviews'), ['review_id']) }}

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
