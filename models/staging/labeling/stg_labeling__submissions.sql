-- One row per submission of a task by a labeler.
-- Clean rows only: the checks are in base_labeling__submissions.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config()) }}

with

base as (

    select * from {{ ref('base_labeling__submissions') }}

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
    from base
    where
        quarantine_reason is null
        and not is_duplicate
        and {{ staging_incremental_filter('submission_id') }}

)

select * from final
