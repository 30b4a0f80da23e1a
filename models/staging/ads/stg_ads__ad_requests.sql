-- One row per ad request the app sent to the ad server.
-- Clean rows only: the checks are in base_ads__ad_requests.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config()) }}

with

base as (

    select * from {{ ref('base_ads__ad_requests') }}

),

final as (

    select
        request_id,
        user_id,
        requested_at,
        placement,
        is_filled,
        _loaded_at
    from base
    where
        quarantine_reason is null
        and not is_duplicate
        and {{ staging_incremental_filter('request_id') }}

)

select * from final
