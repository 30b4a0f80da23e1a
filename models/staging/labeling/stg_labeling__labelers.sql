-- One row per labeler on the labeling platform.
-- Clean rows, the first landed copy of each key: the checks are in base_labeling__labelers.
with

base as (

    select * from {{ ref('base_labeling__labelers') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['labeler_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

),

final as (

    select
        labeler_id,
        joined_at,
        country,
        labeler_tier,
        referral_source,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
