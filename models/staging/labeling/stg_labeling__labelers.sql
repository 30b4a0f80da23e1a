-- One row per labeler on the labeling platform.
-- Clean rows, the first landed copy of each key: the checks are in base_labeling__labelers.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_labeling__labelers'), ['labeler_id']) }}

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
