-- One row per advertiser account.
-- Clean rows, the first landed copy of each key: the checks are in base_ads__advertisers.
with

base as (

    select * from {{ ref('base_ads__advertisers') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['advertiser_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

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
