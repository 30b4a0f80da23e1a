-- Every raw row of the labeling system that staging did not keep: quarantined rows
-- with the first rule they broke, and later-landed duplicates of staged keys
-- (macros/staging/rejected_rows.sql). Raw values are kept whole in raw_row_json.
{{ rejected_rows(
    system='labeling',
    tables=[
        ['labelers', ['labeler_id']],
        ['projects', ['project_id']],
        ['tasks', ['task_id']],
        ['submissions', ['submission_id']],
        ['reviews', ['review_id']],
        ['gamification_events', ['gamification_event_id']],
        ['payments', ['payment_id']]
    ],
    incremental=true
) }}
