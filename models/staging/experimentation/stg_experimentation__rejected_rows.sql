-- Every raw row of the experimentation system that staging did not keep: quarantined rows
-- with the first rule they broke, and later-landed duplicates of staged keys
-- (macros/staging/rejected_rows.sql). Raw values are kept whole in raw_row_json.
{{ rejected_rows(
    system='experimentation',
    tables=[
        ['experiments', ['experiment_id']],
        ['assignments', ['assignment_id']],
        ['exposures', ['exposure_id']]
    ],
    incremental=true
) }}
