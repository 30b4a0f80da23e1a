-- One row per client-logged exposure of a unit to a variant (many per unit; a buggy client can log several variants).
-- Clean rows, the first landed copy of each key: the checks are in base_experimentation__exposures.
-- Incremental on _loaded_at with a lookback (docs/incremental.md).
{{ config(**staging_incremental_config()) }}

with

base as (

    select * from {{ ref('base_experimentation__exposures') }}
    where {{ landed_in_lookback_window() }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['exposure_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

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
        and {{ not_staged_yet('exposure_id', 'deduplicated') }}

)

select * from final
