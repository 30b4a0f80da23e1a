-- One row per client event of the app (the raw event log).
-- Clean rows only: the checks are in base_app__events.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config()) }}

with

base as (

    select * from {{ ref('base_app__events') }}

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
    from base
    where
        quarantine_reason is null
        and not is_duplicate
        and {{ staging_incremental_filter('event_id') }}

)

select * from final
