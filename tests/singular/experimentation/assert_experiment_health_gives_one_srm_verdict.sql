-- Invariant: fct_experiment_health gives one SRM verdict per experiment (srm_p_value and
-- srm_chi_square the same on all its variants, has_srm = srm_p_value <
-- var experiment_srm_alpha), its reconciliation counts stay within the exposed units, and
-- fct_experiment_health_by_segment repeats it per segment value: every variant of the
-- experiment with the same expected_share, exposed units that add up over a segment's values
-- to at most the variant's (units without the attribute are in no value), and has_srm from its
-- own p-value. Why: the decision reads has_srm from here and the readout shows both marts side
-- by side; a verdict that differs between variants, or a segment that counts more units than
-- the experiment, cannot be explained to a reader. Returns the rows that break it.
{%- set srm_alpha = experiment_srm_alpha() %}
with

health as (

    select * from {{ ref('fct_experiment_health') }}

),

by_segment as (

    select * from {{ ref('fct_experiment_health_by_segment') }}

),

experiments as (

    select
        experiment_id,
        count(*) as variants,
        min(srm_p_value) as srm_p_value,
        max(srm_p_value) as max_srm_p_value,
        min(srm_chi_square) as srm_chi_square,
        max(srm_chi_square) as max_srm_chi_square,
        count(srm_p_value) as variants_with_p_value,
        count(srm_chi_square) as variants_with_chi_square
    from health
    group by experiment_id

),

inconsistent_experiments as (

    select
        health.experiment_id,
        health.variant,
        cast(null as {{ dbt.type_string() }}) as segment_name,
        cast(null as {{ dbt.type_string() }}) as segment_value
    from health
    inner join experiments
        on health.experiment_id = experiments.experiment_id
    where
        experiments.srm_p_value <> experiments.max_srm_p_value
        or experiments.srm_chi_square <> experiments.max_srm_chi_square
        or experiments.variants_with_p_value not in (0, experiments.variants)
        or experiments.variants_with_chi_square not in (0, experiments.variants)
        or health.has_srm <> coalesce(health.srm_p_value < {{ srm_alpha }}, false)
        or health.exposed_units_not_assigned > health.exposed_units
        or health.exposed_units_assigned_elsewhere > health.exposed_units

),

segment_values as (

    select
        experiment_id,
        segment_name,
        segment_value,
        count(*) as variants
    from by_segment
    group by experiment_id, segment_name, segment_value

),

segments_summed as (

    select
        experiment_id,
        segment_name,
        variant,
        sum(exposed_units) as exposed_units
    from by_segment
    group by experiment_id, segment_name, variant

),

inconsistent_segment_rows as (

    select
        by_segment.experiment_id,
        by_segment.variant,
        by_segment.segment_name,
        by_segment.segment_value
    from by_segment
    left join health
        on
            by_segment.experiment_id = health.experiment_id
            and by_segment.variant = health.variant
    inner join segment_values
        on
            by_segment.experiment_id = segment_values.experiment_id
            and by_segment.segment_name = segment_values.segment_name
            and by_segment.segment_value = segment_values.segment_value
    inner join experiments
        on by_segment.experiment_id = experiments.experiment_id
    inner join segments_summed
        on
            by_segment.experiment_id = segments_summed.experiment_id
            and by_segment.segment_name = segments_summed.segment_name
            and by_segment.variant = segments_summed.variant
    where
        health.variant is null
        or segment_values.variants <> experiments.variants
        or by_segment.expected_share <> health.expected_share
        or segments_summed.exposed_units > health.exposed_units
        or by_segment.has_srm <> coalesce(by_segment.srm_p_value < {{ srm_alpha }}, false)

),

final as (

    select * from inconsistent_experiments
    union all
    select * from inconsistent_segment_rows

)

select * from final
