-- One row per A/B experiment configured in the assignment service.
-- Clean rows only: the checks are in base_experimentation__experiments.
with

base as (

    select * from {{ ref('base_experimentation__experiments') }}

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
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
