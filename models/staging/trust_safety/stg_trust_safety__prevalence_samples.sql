-- One row per sampled video view labeled for prevalence measurement.
-- Clean rows only: the checks are in base_trust_safety__prevalence_samples.
with

base as (

    select * from {{ ref('base_trust_safety__prevalence_samples') }}

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
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
