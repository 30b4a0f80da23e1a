-- One row per conversion attributed to an ad.
-- Clean rows, the first landed copy of each key: the checks are in base_ads__conversions.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config('converted_at')) }}

with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_ads__conversions'), ['conversion_id']) }}

),

final as (

    select
        conversion_id,
        click_id,
        impression_id,
        converted_at,
        conversion_type,
        value_micros,
        value_usd,
        revenue_micros,
        revenue_usd,
        _loaded_at
    from deduplicated
    where
        landing_order = 1
        and {{ not_staged_yet('conversion_id', 'deduplicated', ref('base_ads__conversions')) }}

)

select * from final
