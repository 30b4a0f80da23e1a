-- Every raw row of the creators system that staging did not keep: quarantined rows
-- with the first rule they broke, and later-landed duplicates of staged keys
-- (macros/staging/rejected_rows.sql). Raw values are kept whole in raw_row_json.
{{ rejected_rows(
    system='creators',
    tables=[
        ['creators', ['creator_id']],
        ['rewards_enrollments', ['enrollment_id']],
        ['rewards_payouts', ['payout_id']],
        ['program_rollouts', ['country', 'program']]
    ]
) }}
