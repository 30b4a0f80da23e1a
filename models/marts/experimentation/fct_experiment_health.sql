-- One row per experiment x variant: configured share, assigned and exposed units, units seen in
-- more than one variant (excluded from analysis), assignment-exposure reconciliation and the
-- sample ratio mismatch test (chi-square goodness of fit of exposed units against the
-- configured shares, df = variants - 1, flagged at p < 0.001). Imported experiments use the
-- file's traffic_share column, or an equal split (contracts/public_marts.md section 2).
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

configured_variants as (

    {%- for k in range(1, 11) %}
        select
            experiment_id,
            trim({{ dbt.split_part('variants', "','", k) }}) as variant,
            try_cast(trim({{ dbt.split_part('traffic_shares', "','", k) }}) as double) as expected_share
        from experiments
        where {{ dbt.length('variants') }} - {{ dbt.length(dbt.replace('variants', "','", "''")) }} >= {{ k - 1 }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

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
        cast(sum(case when not is_in_multiple_variants then 1 else 0 end) as {{ dbt.type_bigint() }})
            as exposed_units,
        cast(sum(case when is_in_multiple_variants then 1 else 0 end) as {{ dbt.type_bigint() }})
            as units_in_multiple_variants,
        cast(sum(case when not is_assigned then 1 else 0 end) as {{ dbt.type_bigint() }})
            as exposed_units_not_assigned,
        cast(sum(case when is_assignment_mismatch then 1 else 0 end) as {{ dbt.type_bigint() }})
            as exposed_units_assigned_elsewhere
    from exposed
    group by experiment_id, variant

),

platform_variants as (

    select
        configured_variants.experiment_id,
        configured_variants.variant,
        configured_variants.expected_share,
        coalesce(assigned_counts.assigned_units, 0) as assigned_units,
        coalesce(exposed_counts.exposed_units, 0) as exposed_units,
        coalesce(exposed_counts.units_in_multiple_variants, 0) as units_in_multiple_variants,
        coalesce(exposed_counts.exposed_units_not_assigned, 0) as exposed_units_not_assigned,
        coalesce(exposed_counts.exposed_units_assigned_elsewhere, 0) as exposed_units_assigned_elsewhere,
        'platform' as data_source
    from configured_variants
    left join assigned_counts
        on configured_variants.experiment_id = assigned_counts.experiment_id
            and configured_variants.variant = assigned_counts.variant
    left join exposed_counts
        on configured_variants.experiment_id = exposed_counts.experiment_id
            and configured_variants.variant = exposed_counts.variant

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
        cast(count(distinct import_units.unit_id) as {{ dbt.type_bigint() }}) as assigned_units,
        cast(
            count(distinct case when import_units.is_in_multiple_variants = 0 then import_units.unit_id end)
            as {{ dbt.type_bigint() }}
        ) as exposed_units,
        cast(
            count(distinct case when import_units.is_in_multiple_variants = 1 then import_units.unit_id end)
            as {{ dbt.type_bigint() }}
        ) as units_in_multiple_variants,
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

with_expected as (

    select
        all_variants.*,
        sum(all_variants.exposed_units) over (partition by all_variants.experiment_id) as total_exposed_units,
        sum(all_variants.expected_share) over (partition by all_variants.experiment_id) as total_share,
        count(*) over (partition by all_variants.experiment_id) as variant_count
    from all_variants

),

chi_square_terms as (

    select
        with_expected.*,
        with_expected.total_exposed_units
        * with_expected.expected_share
        / nullif(with_expected.total_share, 0) as expected_units
    from with_expected

),

chi_square as (

    select
        chi_square_terms.*,
        sum(
            (chi_square_terms.exposed_units - chi_square_terms.expected_units)
            * (chi_square_terms.exposed_units - chi_square_terms.expected_units)
            / nullif(chi_square_terms.expected_units, 0)
        )
            over (partition by chi_square_terms.experiment_id) as srm_chi_square
    from chi_square_terms

),

srm_tested as (

    select
        chi_square.*,
        {{ chi_square_sf('srm_chi_square', 'variant_count - 1') }} as srm_p_value
    from chi_square

),

final as (

    select
        cast(experiment_id as {{ dbt.type_string() }}) as experiment_id,
        cast(variant as {{ dbt.type_string() }}) as variant,
        cast(expected_share as double) as expected_share,
        cast(assigned_units as {{ dbt.type_bigint() }}) as assigned_units,
        cast(exposed_units as {{ dbt.type_bigint() }}) as exposed_units,
        cast(units_in_multiple_variants as {{ dbt.type_bigint() }}) as units_in_multiple_variants,
        cast(srm_p_value as double) as srm_p_value,
        coalesce(srm_p_value < 0.001, false) as has_srm,
        cast(srm_chi_square as double) as srm_chi_square,
        cast(expected_units as double) as expected_exposed_units,
        cast(exposed_units_not_assigned as {{ dbt.type_bigint() }}) as exposed_units_not_assigned,
        cast(exposed_units_assigned_elsewhere as {{ dbt.type_bigint() }}) as exposed_units_assigned_elsewhere,
        cast(data_source as {{ dbt.type_string() }}) as data_source
    from srm_tested

)

select * from final
