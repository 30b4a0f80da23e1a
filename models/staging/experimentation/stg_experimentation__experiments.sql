-- One row per A/B experiment configured in the assignment service.
-- Clean rows, the first landed copy of each key: the checks are in base_experimentation__experiments.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_experimentation__experiments'), ['experiment_id']) }}

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
