-- One row per ad request the app sent to the ad server.
-- Clean rows, the first landed copy of each key: the checks are in base_ads__ad_requests.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config('requested_at')) }}

with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_ads__ad_requests'), ['request_id']) }}

),

final as (

    select
        request_id,
        user_id,
        requested_at,
        placement,
        is_filled,
        _loaded_at
    from deduplicated
    where
        landing_order = 1
        and {{ not_staged_yet('request_id', 'deduplicated', ref('base_ads__ad_requests')) }}

)

select * from final
