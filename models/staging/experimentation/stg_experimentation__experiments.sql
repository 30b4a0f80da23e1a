-- One row per A/B experiment configured in the assignment service.
-- Clean rows, the first landed copy of each key: the checks are in base_experimentation__experiments.
with

base as (

    select * from {{ ref('base_experimentation__experiments') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['experiment_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

),

final as (

    select
        experiment_id,
        experiment_name,
        experiment_domain,
        randomization_unit,
        control_variant,
        variants,
        traffic_shares,
        started_at,
        ended_at,
        primary_metric,
        hypothesis,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
