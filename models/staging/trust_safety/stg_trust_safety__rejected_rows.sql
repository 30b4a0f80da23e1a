-- Every raw row of the trust_safety system that staging did not keep: quarantined rows
-- with the first rule they broke, and later-landed duplicates of staged keys
-- (macros/staging/rejected_rows.sql). Raw values are kept whole in raw_row_json.
{{ rejected_rows(
    system='trust_safety',
    tables=[
        ['policies', ['policy_id']],
        ['risk_strategies', ['strategy_id']],
        ['reports', ['report_id']],
        ['moderation_decisions', ['decision_id']],
        ['appeals', ['appeal_id']],
        ['qa_audits', ['audit_id']],
        ['prevalence_samples', ['sample_id']],
        ['account_actions', ['action_id']]
    ],
    incremental=true
) }}
