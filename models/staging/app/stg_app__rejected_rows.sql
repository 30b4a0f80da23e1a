-- Every raw row of the app system that staging did not keep: quarantined rows
-- with the first rule they broke, and later-landed duplicates of staged keys.
-- Raw values are kept whole in raw_row_json, so nothing is lost.
with

rejected_users as (

    select
        'users' as source_table,
        cast(user_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_app__users') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_videos as (

    select
        'videos' as source_table,
        cast(video_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_app__videos') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_events as (

    select
        'events' as source_table,
        cast(event_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_app__events') }}
    where quarantine_reason is not null or is_duplicate

),

unioned as (

    select * from rejected_users
    union all
    select * from rejected_videos
    union all
    select * from rejected_events

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
