-- One row per ad shown to a user.
-- Clean rows only: the checks are in base_ads__impressions.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config()) }}

with

base as (

    select * from {{ ref('base_ads__impressions') }}

),

final as (

    select
        impression_id,
        request_id,
        user_id,
        campaign_id,
        ad_id,
        shown_at,
        placement,
        revenue_micros,
        revenue_usd,
        _loaded_at
    from base
    where
        quarantine_reason is null
        and not is_duplicate
        and {{ staging_incremental_filter('impression_id') }}

)

select * from final
