-- One row per click on an ad.
-- Clean rows, the first landed copy of each key: the checks are in base_ads__clicks.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config()) }}

with

base as (

    select * from {{ ref('base_ads__clicks') }}
    where {{ landed_in_lookback_window() }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['click_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

),

final as (

    select
        click_id,
        impression_id,
        clicked_at,
        revenue_micros,
        revenue_usd,
        _loaded_at
    from deduplicated
    where
        landing_order = 1
        and {{ not_staged_yet('click_id', 'deduplicated') }}

)

select * from final
