-- One row per click on an ad.
-- Clean rows, the first landed copy of each key: the checks are in base_ads__clicks.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config('clicked_at')) }}

with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_ads__clicks'), ['click_id']) }}

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
        and {{ not_staged_yet('click_id', 'deduplicated', ref('base_ads__clicks')) }}

)

select * from final
