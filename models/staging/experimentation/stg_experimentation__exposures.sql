-- One row per client-logged exposure of a unit to a variant (many per unit; a buggy client can log several variants).
-- Clean rows, the first landed copy of each key: the checks are in base_experimentation__exposures.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config('exposed_at')) }}

with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_experimentation__exposures'), ['exposure_id']) }}

),

final as (

    select
        exposure_id,
        experiment_id,
        unit_id,
        variant,
        exposed_at,
        _loaded_at
    from deduplicated
    where
        landing_order = 1
        and {{ not_staged_yet('exposure_id', 'deduplicated', ref('base_experimentation__exposures')) }}

)

select * from final
