-- One row per conversion attributed to an ad.
-- Clean rows only: the checks are in base_ads__conversions.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config()) }}

with

base as (

    select * from {{ ref('base_ads__conversions') }}

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
    from base
    where
        quarantine_reason is null
        and not is_duplicate
        and {{ staging_incremental_filter('conversion_id') }}

)

select * from final
