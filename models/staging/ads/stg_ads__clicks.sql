-- One row per click on an ad.
-- Clean rows only: the checks are in base_ads__clicks.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config()) }}

with

base as (

    select * from {{ ref('base_ads__clicks') }}

),

final as (

    select
        click_id,
        impression_id,
        clicked_at,
        revenue_micros,
        revenue_usd,
        _loaded_at
    from base
    where
        quarantine_reason is null
        and not is_duplicate
        and {{ staging_incremental_filter('click_id') }}

)

select * from final
