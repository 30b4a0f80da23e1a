{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'event_id', 'user_id', 'event_type', 'event_at', 'session_hint', 'video_id',
        'target_user_id', ['watch_ms', 'watch_milliseconds'], 'surface', 'country',
        'platform', 'app_version', 'device_id', 'ip_address', '_loaded_at'
    ]}
) }}

-- Every raw row of app.events: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_app__events keeps the
-- clean first copies; stg_app__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join). PII (device_id,
-- ip_address) stays raw, as in the landing zone this view reads: the tables built from
-- it hash it with the key, which a view's readers do not hold (docs/pii.md).
with

source as (

    select * from {{ raw_table('app', 'events') }}

),

typed as (

    select
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        {{ typed_timestamp('event_at') }},
        cast(session_hint as {{ dbt.type_string() }}) as session_hint,
        cast(video_id as {{ dbt.type_string() }}) as video_id,
        cast(target_user_id as {{ dbt.type_string() }}) as target_user_id,
        cast(watch_ms as {{ dbt.type_bigint() }}) as watch_ms,
        cast(surface as {{ dbt.type_string() }}) as surface,
        cast(country as {{ dbt.type_string() }}) as country,
        cast(platform as {{ dbt.type_string() }}) as platform,
        cast(app_version as {{ dbt.type_string() }}) as app_version,
        cast(device_id as {{ dbt.type_string() }}) as device_id,
        cast(ip_address as {{ dbt.type_string() }}) as ip_address,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

user_id_parents as (

    -- distinct: a key known unique lets DuckDB drop the join where the reason is unused
    select distinct user_id as parent_user_id
    from {{ ref('stg_app__users') }}

),

video_id_parents as (

    -- distinct: a key known unique lets DuckDB drop the join where the reason is unused
    select distinct video_id as parent_video_id
    from {{ ref('stg_app__videos') }}

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['event_id'],
            required_ids=['user_id'],
            optional_ids=['video_id', 'target_user_id'],
            enums=[
                ['event_type', 'app_event_type'],
                ['surface', 'surface', true],
                ['country', 'country'],
                ['platform', 'platform']
            ],
            amounts=['watch_ms'],
            timestamps=['event_at'],
            orphans=[
                ['user_id', 'parent_user_id'],
                ['video_id', 'parent_video_id']
            ]
        ) }} as quarantine_reason
    from typed
    left join user_id_parents
        on typed.user_id = user_id_parents.parent_user_id
    left join video_id_parents
        on typed.video_id = video_id_parents.parent_video_id

),

final as (

    select
        event_id,
        user_id,
        event_type,
        event_at,
        session_hint,
        video_id,
        target_user_id,
        watch_ms as watch_milliseconds,
        watch_ms / 1000.0 as watch_seconds,
        surface,
        country,
        platform,
        app_version,
        device_id,
        ip_address,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
