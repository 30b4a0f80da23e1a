-- One row per ad shown to a user.
-- Clean rows, the first landed copy of each key: the checks are in base_ads__impressions.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config('shown_at')) }}

with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_ads__impressions'), ['impression_id']) }}

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
    from deduplicated
    where
        landing_order = 1
        and {{ not_staged_yet('impression_id', 'deduplicated', ref('base_ads__impressions')) }}

)

select * from final
