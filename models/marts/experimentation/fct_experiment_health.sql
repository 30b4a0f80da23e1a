-- One row per experiment x variant, configured or only seen in exposures or assignments (a
-- variant missing from the configuration gets expected_share 0 and is_configured_variant
-- false, never dropped): configured share, assigned units, analysed units (exposed_units: one
-- variant, first exposed inside [started_at, ended_at)), the units excluded for being seen in
-- more than one variant or first exposed outside that window, assignment-exposure
-- reconciliation and the sample ratio mismatch test (sample_ratio_mismatch_tested(): chi-square
-- goodness of fit of exposed units against the configured shares, any number of variants,
-- flagged at p < var experiment_srm_alpha). Imported experiments use the file's traffic_share
-- column, or an equal split (contracts/public_marts.md sections 2 and 5).
with

experiments as (

    select * from {{ ref('stg_experimentation__experiments') }}

),

assignments as (

    select * from {{ ref('stg_experimentation__assignments') }}

),

exposed as (

    select * from {{ ref('int_experiment_exposures_deduplicated') }}

),

imports as (

    select * from {{ ref('int_experiment_imports_validated') }}

),

variant_items as (

    {{ comma_list_items('experiments', ['experiment_id'], 'variants') }}

),

share_items as (

    {{ comma_list_items('experiments', ['experiment_id'], 'traffic_shares') }}

),

-- the k-th share belongs to the k-th variant
configured_variants as (

    select
        variant_items.experiment_id,
        variant_items.item as variant,
        try_cast(share_items.item as double) as expected_share
    from variant_items
    left join share_items
        on variant_items.experiment_id = share_items.experiment_id
            and variant_items.item_position = share_items.item_position

),

assigned_counts as (

    select
        experiment_id,
        variant,
        cast(count(distinct unit_id) as {{ dbt.type_bigint() }}) as assigned_units
    from assignments
    group by experiment_id, variant

),

exposed_counts as (

    select
        experiment_id,
        variant,
        cast(
            sum(case when not is_in_multiple_variants and not is_outside_window then 1 else 0 end)
            as {{ dbt.type_bigint() }}
        ) as exposed_units,
        cast(sum(case when is_in_multiple_variants then 1 else 0 end) as {{ dbt.type_bigint() }})
            as units_in_multiple_variants,
        cast(sum(case when is_outside_window then 1 else 0 end) as {{ dbt.type_bigint() }})
            as exposures_outside_window,
        cast(sum(case when not is_assigned then 1 else 0 end) as {{ dbt.type_bigint() }})
            as exposed_units_not_assigned,
        cast(sum(case when is_assignment_mismatch then 1 else 0 end) as {{ dbt.type_bigint() }})
            as exposed_units_assigned_elsewhere
    from exposed
    group by experiment_id, variant

),

-- every variant of a configured experiment: configured, exposed or assigned
platform_variant_keys as (

    select
        experiment_id,
        variant
    from configured_variants
    union
    select
        experiment_id,
        variant
    from exposed_counts
    union
    select
        assigned_counts.experiment_id,
        assigned_counts.variant
    from assigned_counts
    inner join experiments
        on assigned_counts.experiment_id = experiments.experiment_id

),

platform_variants as (

    select
        platform_variant_keys.experiment_id,
        platform_variant_keys.variant,
        case
            when configured_variants.experiment_id is null then 0.0e0
            else configured_variants.expected_share
        end as expected_share,
        configured_variants.experiment_id is not null as is_configured_variant,
        coalesce(assigned_counts.assigned_units, 0) as assigned_units,
        coalesce(exposed_counts.exposed_units, 0) as exposed_units,
        coalesce(exposed_counts.units_in_multiple_variants, 0) as units_in_multiple_variants,
        coalesce(exposed_counts.exposures_outside_window, 0) as exposures_outside_window,
        coalesce(exposed_counts.exposed_units_not_assigned, 0) as exposed_units_not_assigned,
        coalesce(exposed_counts.exposed_units_assigned_elsewhere, 0) as exposed_units_assigned_elsewhere,
        'platform' as data_source
    from platform_variant_keys
    left join configured_variants
        on platform_variant_keys.experiment_id = configured_variants.experiment_id
            and platform_variant_keys.variant = configured_variants.variant
    left join assigned_counts
        on platform_variant_keys.experiment_id = assigned_counts.experiment_id
            and platform_variant_keys.variant = assigned_counts.variant
    left join exposed_counts
        on platform_variant_keys.experiment_id = exposed_counts.experiment_id
            and platform_variant_keys.variant = exposed_counts.variant

),

import_units as (

    select
        experiment_id,
        unit_id,
        min(variant) as variant,
        max(case when is_in_multiple_variants then 1 else 0 end) as is_in_multiple_variants,
        max(traffic_share) as traffic_share
    from imports
    group by experiment_id, unit_id

),

import_variant_shares as (

    select
        experiment_id,
        variant,
        max(traffic_share) as traffic_share
    from imports
    group by experiment_id, variant

),

import_variants as (

    select
        import_variant_shares.experiment_id,
        import_variant_shares.variant,
        coalesce(
            import_variant_shares.traffic_share,
            1.0e0 / count(*) over (partition by import_variant_shares.experiment_id)
        ) as expected_share,
        true as is_configured_variant,
        cast(count(distinct import_units.unit_id) as {{ dbt.type_bigint() }}) as assigned_units,
        cast(
            count(distinct case when import_units.is_in_multiple_variants = 0 then import_units.unit_id end)
            as {{ dbt.type_bigint() }}
        ) as exposed_units,
        cast(
            count(distinct case when import_units.is_in_multiple_variants = 1 then import_units.unit_id end)
            as {{ dbt.type_bigint() }}
        ) as units_in_multiple_variants,
        cast(0 as {{ dbt.type_bigint() }}) as exposures_outside_window,
        cast(0 as {{ dbt.type_bigint() }}) as exposed_units_not_assigned,
        cast(0 as {{ dbt.type_bigint() }}) as exposed_units_assigned_elsewhere,
        'import' as data_source
    from import_variant_shares
    left join import_units
        on import_variant_shares.experiment_id = import_units.experiment_id
            and import_variant_shares.variant = import_units.variant
    group by import_variant_shares.experiment_id, import_variant_shares.variant, import_variant_shares.traffic_share

),

all_variants as (

    select * from platform_variants
    union all
    select * from import_variants

),

srm_tested as (

    {{ sample_ratio_mismatch_tested('all_variants', ['experiment_id']) }}

),

final as (

    select
        cast(experiment_id as {{ dbt.type_string() }}) as experiment_id,
        cast(variant as {{ dbt.type_string() }}) as variant,
        cast(expected_share as double) as expected_share,
        is_configured_variant,
        cast(assigned_units as {{ dbt.type_bigint() }}) as assigned_units,
        cast(exposed_units as {{ dbt.type_bigint() }}) as exposed_units,
        cast(units_in_multiple_variants as {{ dbt.type_bigint() }}) as units_in_multiple_variants,
        cast(exposures_outside_window as {{ dbt.type_bigint() }}) as exposures_outside_window,
        cast(srm_p_value as double) as srm_p_value,
        coalesce(srm_p_value < {{ experiment_srm_alpha() }}, false) as has_srm,
        cast(srm_chi_square as double) as srm_chi_square,
        cast(expected_exposed_units as double) as expected_exposed_units,
        cast(exposed_units_not_assigned as {{ dbt.type_bigint() }}) as exposed_units_not_assigned,
        cast(exposed_units_assigned_elsewhere as {{ dbt.type_bigint() }}) as exposed_units_assigned_elsewhere,
        cast(data_source as {{ dbt.type_string() }}) as data_source
    from srm_tested

)

select * from final
