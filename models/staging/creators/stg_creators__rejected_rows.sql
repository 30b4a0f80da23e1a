-- Every raw row of the creators system that staging did not keep: quarantined rows
-- with the first rule they broke, and later-landed duplicates of staged keys.
-- Raw values are kept whole in raw_row_json, so nothing is lost.
with

rejected_creators as (

    select
        'creators' as source_table,
        cast(creator_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_creators__creators') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_rewards_enrollments as (

    select
        'rewards_enrollments' as source_table,
        cast(enrollment_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_creators__rewards_enrollments') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_rewards_payouts as (

    select
        'rewards_payouts' as source_table,
        cast(payout_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_creators__rewards_payouts') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_program_rollouts as (

    select
        'program_rollouts' as source_table,
        {{ dbt.concat(['country', "'|'", 'program']) }} as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_creators__program_rollouts') }}
    where quarantine_reason is not null or is_duplicate

),

unioned as (

    select * from rejected_creators
    union all
    select * from rejected_rewards_enrollments
    union all
    select * from rejected_rewards_payouts
    union all
    select * from rejected_program_rollouts

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
