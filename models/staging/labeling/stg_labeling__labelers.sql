-- One row per labeler on the labeling platform.
-- Clean rows only: the checks are in base_labeling__labelers.
with

base as (

    select * from {{ ref('base_labeling__labelers') }}

),

final as (

    select
        labeler_id,
        joined_at,
        country,
        labeler_tier,
        referral_source,
        _loaded_at
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
