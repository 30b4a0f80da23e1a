-- One row per client event of the app (the raw event log).
-- Clean rows, the first landed copy of each key: the checks are in base_app__events.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config('event_at')) }}

with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_app__events'), ['event_id']) }}

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
        watch_milliseconds,
        watch_seconds,
        surface,
        country,
        platform,
        app_version,
        device_id_hash,
        ip_address_hash,
        _loaded_at
    from deduplicated
    where
        landing_order = 1
        and {{ not_staged_yet('event_id', 'deduplicated', ref('base_app__events')) }}

)

select * from final
