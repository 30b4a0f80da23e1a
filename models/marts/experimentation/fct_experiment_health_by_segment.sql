-- One row per platform experiment x segment_name x segment_value x variant: the analysed units
-- (exposed_units of fct_experiment_health: one variant, first exposed inside [started_at,
-- ended_at)) of the segment value in each variant, and the sample ratio mismatch test of that
-- segment value against the experiment's shares (sample_ratio_mismatch_tested()). Every
-- variant of fct_experiment_health appears for every segment value that has units, with 0
-- units where it has none. Segments are the unit attributes of
-- int_experiment_exposures_deduplicated (country, platform, tier); a unit without the
-- attribute is in no value of that segment. Imported experiments have no unit attributes and
-- no rows here.
with

exposures as (

    select * from {{ ref('int_experiment_exposures_deduplicated') }}

),

health as (

    select * from {{ ref('fct_experiment_health') }}
    where data_source = 'platform'

),

analysed_units as (

    select * from exposures
    where not is_in_multiple_variants and not is_outside_window

),

segment_counts as (

    {%- for segment in ['country', 'platform', 'tier'] %}
        select
            experiment_id,
            '{{ segment }}' as segment_name,
            {{ segment }} as segment_value,
            variant,
            cast(count(*) as {{ dbt.type_bigint() }}) as exposed_units
        from analysed_units
        where {{ segment }} is not null
        group by experiment_id, {{ segment }}, variant
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

segment_values as (

    select distinct
        experiment_id,
        segment_name,
        segment_value
    from segment_counts

),

segment_variants as (

    select
        segment_values.experiment_id,
        segment_values.segment_name,
        segment_values.segment_value,
        health.variant,
        health.expected_share,
        coalesce(segment_counts.exposed_units, 0) as exposed_units
    from segment_values
    inner join health
        on segment_values.experiment_id = health.experiment_id
    left join segment_counts
        on segment_values.experiment_id = segment_counts.experiment_id
            and segment_values.segment_name = segment_counts.segment_name
            and segment_values.segment_value = segment_counts.segment_value
            and health.variant = segment_counts.variant

),

srm_tested as (

    {{ sample_ratio_mismatch_tested('segment_variants', ['experiment_id', 'segment_name', 'segment_value']) }}

),

final as (

    select
        cast(experiment_id as {{ dbt.type_string() }}) as experiment_id,
        cast(segment_name as {{ dbt.type_string() }}) as segment_name,
        cast(segment_value as {{ dbt.type_string() }}) as segment_value,
        cast(variant as {{ dbt.type_string() }}) as variant,
        cast(expected_share as double) as expected_share,
        cast(exposed_units as {{ dbt.type_bigint() }}) as exposed_units,
        cast(srm_p_value as double) as srm_p_value,
        coalesce(srm_p_value < {{ experiment_srm_alpha() }}, false) as has_srm
    from srm_tested

)

select * from final
