-- Every raw row of the app system that staging did not keep: quarantined rows
-- with the first rule they broke, and later-landed duplicates of staged keys
-- (macros/staging/rejected_rows.sql). Raw values are kept whole in raw_row_json.
{{ rejected_rows(
    system='app',
    tables=[
        ['users', ['user_id']],
        ['videos', ['video_id']],
        ['events', ['event_id']]
    ],
    incremental=true
) }}
