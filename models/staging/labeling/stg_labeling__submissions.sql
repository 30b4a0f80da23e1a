-- One row per submission of a task by a labeler.
-- Clean rows, the first landed copy of each key: the checks are in base_labeling__submissions.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config('submitted_at')) }}

with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_labeling__submissions'), ['submission_id']) }}

),

final as (

    select
        submission_id,
        task_id,
        labeler_id,
        started_at,
        submitted_at,
        answer,
        is_skipped,
        _loaded_at
    from deduplicated
    where
        landing_order = 1
        and {{ not_staged_yet('submission_id', 'deduplicated', ref('base_labeling__submissions')) }}

)

select * from final
