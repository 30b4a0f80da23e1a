-- One row per appeal of a moderation decision.
-- Clean rows, the first landed copy of each key: the checks are in base_trust_safety__appeals.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_trust_safety__appeals'), ['appeal_id']) }}

),

final as (

    select
        appeal_id,
        decision_id,
        appealed_at,
        resolved_at,
        appeal_outcome,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
