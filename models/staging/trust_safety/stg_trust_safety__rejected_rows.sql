-- Every raw row of the trust_safety system that staging did not keep: quarantined rows
-- with the first rule they broke, and later-landed duplicates of staged keys.
-- Raw values are kept whole in raw_row_json, so nothing is lost.
with

rejected_policies as (

    select
        'policies' as source_table,
        cast(policy_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_trust_safety__policies') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_risk_strategies as (

    select
        'risk_strategies' as source_table,
        cast(strategy_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_trust_safety__risk_strategies') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_reports as (

    select
        'reports' as source_table,
        cast(report_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_trust_safety__reports') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_moderation_decisions as (

    select
        'moderation_decisions' as source_table,
        cast(decision_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_trust_safety__moderation_decisions') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_appeals as (

    select
        'appeals' as source_table,
        cast(appeal_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_trust_safety__appeals') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_qa_audits as (

    select
        'qa_audits' as source_table,
        cast(audit_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_trust_safety__qa_audits') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_prevalence_samples as (

    select
        'prevalence_samples' as source_table,
        cast(sample_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_trust_safety__prevalence_samples') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_account_actions as (

    select
        'account_actions' as source_table,
        cast(action_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_trust_safety__account_actions') }}
    where quarantine_reason is not null or is_duplicate

),

unioned as (

    select * from rejected_policies
    union all
    select * from rejected_risk_strategies
    union all
    select * from rejected_reports
    union all
    select * from rejected_moderation_decisions
    union all
    select * from rejected_appeals
    union all
    select * from rejected_qa_audits
    union all
    select * from rejected_prevalence_samples
    union all
    select * from rejected_account_actions

),

final as (

    select
        source_table,
        row_number() over (
            partition by source_table
            order by _loaded_at asc nulls last, row_key asc nulls last, raw_row_json asc
        ) as rejected_row_number,
        row_key,
        case when is_duplicate then 'duplicate' else 'quarantined' end as rejection_kind,
        coalesce(quarantine_reason, 'duplicate') as rejection_reason,
        {{ dbt.split_part('coalesce(quarantine_reason, \'duplicate\')', "':'", 1) }} as reason_category,
        _loaded_at,
        raw_row_json
    from unioned

)

select * from final
