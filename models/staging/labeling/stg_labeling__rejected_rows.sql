-- Every raw row of the labeling system that staging did not keep: quarantined rows
-- with the first rule they broke, and later-landed duplicates of staged keys.
-- Raw values are kept whole in raw_row_json, so nothing is lost.
with

rejected_labelers as (

    select
        'labelers' as source_table,
        cast(labeler_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_labeling__labelers') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_projects as (

    select
        'projects' as source_table,
        cast(project_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_labeling__projects') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_tasks as (

    select
        'tasks' as source_table,
        cast(task_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_labeling__tasks') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_submissions as (

    select
        'submissions' as source_table,
        cast(submission_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_labeling__submissions') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_reviews as (

    select
        'reviews' as source_table,
        cast(review_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_labeling__reviews') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_gamification_events as (

    select
        'gamification_events' as source_table,
        cast(gamification_event_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_labeling__gamification_events') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_payments as (

    select
        'payments' as source_table,
        cast(payment_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_labeling__payments') }}
    where quarantine_reason is not null or is_duplicate

),

unioned as (

    select * from rejected_labelers
    union all
    select * from rejected_projects
    union all
    select * from rejected_tasks
    union all
    select * from rejected_submissions
    union all
    select * from rejected_reviews
    union all
    select * from rejected_gamification_events
    union all
    select * from rejected_payments

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
