-- One row per advertiser account.
-- Clean rows only: the checks are in base_ads__advertisers.
with

base as (

    select * from {{ ref('base_ads__advertisers') }}

),

final as (

    select
        advertiser_id,
        advertiser_name,
        industry,
        country,
        _loaded_at
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
