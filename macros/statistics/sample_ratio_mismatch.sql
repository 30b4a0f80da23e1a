{#-
    The sample ratio mismatch test of fct_experiment_health and fct_experiment_health_by_segment:
    chi-square goodness of fit of exposed units per variant against the variants' expected
    shares, within each group of `partition_by` (an experiment, or an experiment x segment
    value).
-#}

{#- The SRM flag level, var experiment_srm_alpha (default 0.001). -#}
{% macro experiment_srm_alpha() -%}
    {{ return(var('experiment_srm_alpha', 0.001)) }}
{%- endmacro %}


{#- Query: every row of `relation` (with exposed_units and expected_share per variant) plus
    expected_exposed_units (the group's units split by the shares, renormalised to sum to 1),
    srm_chi_square and srm_p_value, df = variants with a positive share - 1.
    A variant with expected share 0 (one missing from the configuration) and exposed units
    has an expected count of 0 and an infinite statistic: srm_chi_square is null and
    srm_p_value 0, so the group is flagged. A group without exposed units gets no test. -#}
{% macro sample_ratio_mismatch_tested(relation, partition_by) -%}
    {%- set group = 'partition by ' ~ (partition_by | join(', ')) -%}
select
    deviations.*,
    case when deviations.srm_has_unexpected_units = 0 then deviations.srm_statistic end as srm_chi_square,
    case
        when deviations.srm_has_unexpected_units = 1 then 0.0e0
        else {{ chi_square_sf('deviations.srm_statistic', 'deviations.srm_tested_variants - 1',
                              normal_argument='deviations.srm_normal_argument') }}
    end as srm_p_value
from (
    -- Phi's argument as a column: chi_square_sf repeats it inside Phi
    select
        statistics.*,
        {{ chi_square_normal_argument('statistics.srm_statistic', 'statistics.srm_tested_variants - 1') }}
            as srm_normal_argument
    from (
        select
            expected.*,
            sum(
                (expected.exposed_units - expected.expected_exposed_units)
                * (expected.exposed_units - expected.expected_exposed_units)
                / nullif(expected.expected_exposed_units, 0)
            ) over ({{ group }}) as srm_statistic
        from (
            select
                totals.*,
                totals.srm_total_exposed_units * totals.expected_share / nullif(totals.srm_total_share, 0)
                    as expected_exposed_units
            from (
                select
                    {{ relation }}.*,
                    sum({{ relation }}.exposed_units) over ({{ group }}) as srm_total_exposed_units,
                    sum({{ relation }}.expected_share) over ({{ group }}) as srm_total_share,
                    sum(case when {{ relation }}.expected_share > 0 then 1 else 0 end) over ({{ group }})
                        as srm_tested_variants,
                    max(
                        case when {{ relation }}.expected_share = 0 and {{ relation }}.exposed_units > 0 then 1 else 0 end
                    ) over ({{ group }}) as srm_has_unexpected_units
                from {{ relation }}
            ) as totals
        ) as expected
    ) as statistics
) as deviations
{%- endmacro %}
