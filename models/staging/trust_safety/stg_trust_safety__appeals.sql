-- One row per appeal of a moderation decision.
-- Clean rows, the first landed copy of each key: the checks are in base_trust_safety__appeals.
with

base as (

    select * from {{ ref('base_trust_safety__appeals') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['appeal_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

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
