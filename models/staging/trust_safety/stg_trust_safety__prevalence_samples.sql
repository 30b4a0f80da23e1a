-- One row per sampled video view labeled for prevalence measurement.
-- Clean rows, the first landed copy of each key: the checks are in base_trust_safety__prevalence_samples.
with

base as (

    select * from {{ ref('base_trust_safety__prevalence_samples') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['sample_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

),

final as (

    select
        sample_id,
        event_id,
        sampled_at,
        is_violating,
        policy_id,
        sampling_weight,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
