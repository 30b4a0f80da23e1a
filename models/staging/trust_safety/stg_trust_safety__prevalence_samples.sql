-- One row per sampled video view labeled for prevalence measurement.
-- Clean rows, the first landed copy of each key: the checks are in base_trust_safety__prevalence_samples.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_trust_safety__prevalence_samples'), ['sample_id']) }}

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
