-- One row per client event of the app (the raw event log).
-- Clean rows, the first landed copy of each key: the checks are in base_app__events.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config('event_at')) }}

with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_app__events'), ['event_id']) }}

),

-- PII hashed with the key once per distinct value of the rows this run reads
-- (macros/staging/hash_pii.sql, docs/pii.md)
device_id_hashes as (

    {{ distinct_pii_hashes(ref('base_app__events'), 'device_id', landed_in_lookback_window()) }}

),

ip_address_hashes as (

    {{ distinct_pii_hashes(ref('base_app__events'), 'ip_address', landed_in_lookback_window()) }}

),

final as (

    select
        deduplicated.event_id,
        deduplicated.user_id,
        deduplicated.event_type,
        deduplicated.event_at,
        deduplicated.session_hint,
        deduplicated.video_id,
        deduplicated.target_user_id,
        deduplicated.watch_milliseconds,
        deduplicated.watch_seconds,
        deduplicated.surface,
        deduplicated.country,
        deduplicated.platform,
        deduplicated.app_version,
        -- looked up, not joined: DuckDB estimated the distinct values as many
        -- as the events and built a join's hash table on the events (10M
        -- events: 25 CPU-s against 21 for the model)
        (
            select device_id_hashes.device_id_hash
            from device_id_hashes
            where device_id_hashes.device_id = deduplicated.device_id
        ) as device_id_hash,
        (
            select ip_address_hashes.ip_address_hash
            from ip_address_hashes
            where ip_address_hashes.ip_address = deduplicated.ip_address
        ) as ip_address_hash,
        deduplicated._loaded_at
    from deduplicated
    where
        deduplicated.landing_order = 1
        and {{ not_staged_yet('event_id', 'deduplicated', ref('base_app__events')) }}

)

select * from final
