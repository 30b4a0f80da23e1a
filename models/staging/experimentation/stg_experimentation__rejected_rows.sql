-- Every raw row of the experimentation system that staging did not keep: quarantined rows
-- with the first rule they broke, and later-landed duplicates of staged keys.
-- Raw values are kept whole in raw_row_json, so nothing is lost.
with

rejected_experiments as (

    select
        'experiments' as source_table,
        cast(experiment_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_experimentation__experiments') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_assignments as (

    select
        'assignments' as source_table,
        cast(assignment_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_experimentation__assignments') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_exposures as (

    select
        'exposures' as source_table,
        cast(exposure_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_experimentation__exposures') }}
    where quarantine_reason is not null or is_duplicate

),

unioned as (

    select * from rejected_experiments
    union all
    select * from rejected_assignments
    union all
    select * from rejected_exposures

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
