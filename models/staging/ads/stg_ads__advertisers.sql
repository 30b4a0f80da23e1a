-- One row per advertiser account.
-- Clean rows, the first landed copy of each key: the checks are in base_ads__advertisers.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_ads__advertisers'), ['advertiser_id']) }}

),

final as (

    select
        advertiser_id,
        advertiser_name,
        industry,
        country,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
