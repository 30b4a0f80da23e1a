-- One row per client-logged exposure of a unit to a variant (many per unit; a buggy client can log several variants).
-- Clean rows only: the checks are in base_experimentation__exposures.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config()) }}

with

base as (

    select * from {{ ref('base_experimentation__exposures') }}

),

final as (

    select
        exposure_id,
        experiment_id,
        unit_id,
        variant,
        exposed_at,
        _loaded_at
    from base
    where
        quarantine_reason is null
        and not is_duplicate
        and {{ staging_incremental_filter('exposure_id') }}

)

select * from final
