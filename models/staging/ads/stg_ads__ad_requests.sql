-- One row per ad request the app sent to the ad server.
-- Clean rows only: the checks are in base_ads__ad_requests.
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
    where quarantine_reason is null and not is_duplicate

)

select * from final
