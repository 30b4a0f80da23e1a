-- One row per platform experiment x metric x treatment variant x analysis day (segment all,
-- variance reduction none): the cumulative result at the end of the day, with everything
-- observed by then (units first exposed by the day, their activity up to it), its fixed-horizon
-- and always-valid intervals (contracts/public_marts.md section 5). The monitoring view: how the
-- effect and its intervals moved while the experiment ran (docs/experimentation.md).
-- It scales with unit-days, not units x days: each unit's day rows of the incremental base
-- (int_experiment_unit_days_aggregated) become the increments of the arm's sums that day
-- (n, sum Y, sum N, sum Y^2, sum N^2, sum YN over the units' running totals: when a unit's total
-- grows from p to p + a, sum Y^2 grows by a (2p + a)); a running sum over the days then gives each
-- day's arm sufficient statistics, and the same estimate and test macros as
-- fct_experiment_results turn them into results. A unit without activity adds only to n.
-- The last analysis day equals fct_experiment_results' row (segment all, none), tested in
-- tests/singular/experimentation.
{%- set alpha = var('experiment_alpha', 0.05) %}
{%- set min_units = var('experiment_min_units_per_arm', 100) %}
{%- set ts = dbt.type_timestamp() %}
{%- set sums = ['units', 'sum_value', 'sum_denominator', 'sum_value_squared', 'sum_denominator_squared',
                'sum_value_denominator'] %}
with

analysed_units as (

    select * from {{ ref('int_experiment_unit_activity_summed') }}

),

unit_days as (

    select * from {{ ref('int_experiment_unit_days_aggregated') }}

),

-- the arms of each platform metric (segment all), with the metric's kind and role
arms as (

    select
        experiment_id,
        metric_name,
        variant,
        is_control,
        metric_kind,
        metric_role,
        preferred_direction
    from {{ ref('int_experiment_arm_statistics_aggregated') }}
    where segment_name = 'all' and data_source = 'platform'

),

spine_days as (

    select * from {{ ref('metricflow_time_spine') }}

),

-- the analysis days: from the start to the last day that begins before the window's end
-- (the same days int_experiment_unit_activity_summed adds up)
experiment_days as (

    select
        windows.experiment_id,
        spine_days.date_day as analysis_date
    from (
        select
            experiment_id,
            min(started_at) as started_at,
            max(window_end_at) as window_end_at
        from analysed_units
        group by experiment_id
    ) as windows
    inner join spine_days
        on spine_days.date_day >= cast(windows.started_at as date)
            and cast(spine_days.date_day as {{ ts }}) < windows.window_end_at

),

-- each analysed unit's day rows inside its window, as each metric's numerator and denominator
unit_metric_days as (

    select
        arms.experiment_id,
        arms.metric_name,
        arms.variant,
        unit_days.unit_id,
        unit_days.activity_date,
        cast({{ experiment_metric_numerator('arms.metric_name', 'unit_days') }} as double) as day_value,
        cast({{ experiment_metric_denominator('arms.metric_name', 'unit_days') }} as double) as day_denominator
    from unit_days
    inner join analysed_units
        on unit_days.experiment_id = analysed_units.experiment_id
            and unit_days.unit_id = analysed_units.unit_id
    inner join arms
        on analysed_units.experiment_id = arms.experiment_id
            and analysed_units.variant = arms.variant
    where
        unit_days.activity_date >= cast(analysed_units.first_exposed_at as date)
        and cast(unit_days.activity_date as {{ ts }}) < analysed_units.window_end_at

),

-- the unit's totals before the day (p) and after it (p + a)
unit_metric_running as (

    select
        unit_metric_days.*,
        sum(unit_metric_days.day_value) over (
            partition by unit_metric_days.experiment_id, unit_metric_days.metric_name, unit_metric_days.unit_id
            order by unit_metric_days.activity_date asc nulls last
            rows between unbounded preceding and current row
        ) as value_to_date,
        sum(unit_metric_days.day_denominator) over (
            partition by unit_metric_days.experiment_id, unit_metric_days.metric_name, unit_metric_days.unit_id
            order by unit_metric_days.activity_date asc nulls last
            rows between unbounded preceding and current row
        ) as denominator_to_date
    from unit_metric_days

),

-- what each day adds to the arm's sums: new units, and the growth of the units' totals
arm_day_increments as (

    select
        experiment_id,
        metric_name,
        variant,
        activity_date as analysis_date,
        0 as units,
        sum(day_value) as sum_value,
        sum(day_denominator) as sum_denominator,
        -- (p + a)^2 - p^2 = a (2 (p + a) - a)
        sum(day_value * (2.0e0 * value_to_date - day_value)) as sum_value_squared,
        sum(day_denominator * (2.0e0 * denominator_to_date - day_denominator)) as sum_denominator_squared,
        -- (p + a)(q + b) - p q = a (q + b) + (p + a) b - a b
        sum(
            day_value * denominator_to_date + value_to_date * day_denominator - day_value * day_denominator
        ) as sum_value_denominator
    from unit_metric_running
    group by experiment_id, metric_name, variant, activity_date
    union all
    select
        arms.experiment_id,
        arms.metric_name,
        arms.variant,
        cast(analysed_units.first_exposed_at as date) as analysis_date,
        count(*) as units,
        0.0e0 as sum_value,
        0.0e0 as sum_denominator,
        0.0e0 as sum_value_squared,
        0.0e0 as sum_denominator_squared,
        0.0e0 as sum_value_denominator
    from analysed_units
    inner join arms
        on analysed_units.experiment_id = arms.experiment_id
            and analysed_units.variant = arms.variant
    group by arms.experiment_id, arms.metric_name, arms.variant, cast(analysed_units.first_exposed_at as date)

),

arm_day_totals as (

    select
        experiment_id,
        metric_name,
        variant,
        {%- for column in sums %}
            sum({{ column }}) as {{ column }},
        {%- endfor %}
        analysis_date
    from arm_day_increments
    group by experiment_id, metric_name, variant, analysis_date

),

-- every arm on every analysis day, with the running sums up to the end of the day
arm_days as (

    select
        arms.*,
        {%- for column in sums %}
            sum(coalesce(arm_day_totals.{{ column }}, 0)) over (
                partition by arms.experiment_id, arms.metric_name, arms.variant
                order by experiment_days.analysis_date asc nulls last
                rows between unbounded preceding and current row
            ) as {{ column }},
        {%- endfor %}
        experiment_days.analysis_date
    from arms
    inner join experiment_days
        on arms.experiment_id = experiment_days.experiment_id
    left join arm_day_totals
        on arms.experiment_id = arm_day_totals.experiment_id
            and arms.metric_name = arm_day_totals.metric_name
            and arms.variant = arm_day_totals.variant
            and experiment_days.analysis_date = arm_day_totals.analysis_date

),

arm_estimates as (

    select
        arm_days.*,
        {{ arm_estimate(
            'metric_kind', 'sum_value', 'sum_denominator', 'sum_value / nullif(units, 0)') }} as estimate,
        {{ arm_estimate_variance(
            'metric_kind', 'units', 'sum_value', 'sum_denominator', 'sum_denominator / nullif(units, 0)',
            sample_covariance_from_sums('units', 'sum_value', 'sum_value', 'sum_value_squared'),
            sample_covariance_from_sums('units', 'sum_denominator', 'sum_denominator', 'sum_denominator_squared'),
            sample_covariance_from_sums('units', 'sum_value', 'sum_denominator', 'sum_value_denominator')) }}
            as estimate_variance
    from arm_days

),

paired as (

    select
        treatment.experiment_id,
        treatment.metric_name,
        control.variant as control_variant,
        treatment.variant as treatment_variant,
        treatment.analysis_date,
        treatment.metric_kind,
        treatment.metric_role,
        treatment.preferred_direction,
        control.units as control_units,
        treatment.units as treatment_units,
        control.estimate as control_mean,
        treatment.estimate as treatment_mean,
        treatment.estimate - control.estimate as absolute_effect,
        (treatment.estimate - control.estimate) / nullif(control.estimate, 0) as relative_effect,
        coalesce(
            control.units >= {{ min_units }} and treatment.units >= {{ min_units }}, false
        ) as is_sample_sufficient,
        treatment.estimate_variance + control.estimate_variance as effect_variance,
        {{ relative_effect_variance(
            'treatment.estimate', 'control.estimate', 'treatment.estimate_variance', 'control.estimate_variance') }}
            as relative_variance
    from arm_estimates as treatment
    inner join arm_estimates as control
        on treatment.experiment_id = control.experiment_id
            and treatment.metric_name = control.metric_name
            and treatment.analysis_date = control.analysis_date
            and control.is_control
    where not treatment.is_control

),

effects as (

    select
        paired.*,
        case when paired.is_sample_sufficient then sqrt(paired.effect_variance) end as standard_error,
        case when paired.is_sample_sufficient then sqrt(paired.relative_variance) end as relative_standard_error,
        {{ normal_quantile(1 - alpha / 2) }} as critical_z,
        {{ confidence_sequence_multiplier('paired.control_units + paired.treatment_units') }}
            as sequential_multiplier
    from paired

),

tested as (

    select
        effects.*,
        {{ effect_z_statistic('effects.absolute_effect', 'effects.standard_error', 'effects.control_mean') }}
            as z_statistic
    from effects

),

with_p as (

    select
        tested.*,
        {{ two_sided_p_value('z_statistic') }} as p_value,
        {{ always_valid_p_value('z_statistic', 'control_units + treatment_units') }} as p_value_sequential
    from tested

),

final as (

    select
        cast(experiment_id as {{ dbt.type_string() }}) as experiment_id,
        cast(metric_name as {{ dbt.type_string() }}) as metric_name,
        cast(control_variant as {{ dbt.type_string() }}) as control_variant,
        cast(treatment_variant as {{ dbt.type_string() }}) as treatment_variant,
        cast(analysis_date as date) as analysis_date,
        cast(control_units as {{ dbt.type_bigint() }}) as control_units,
        cast(treatment_units as {{ dbt.type_bigint() }}) as treatment_units,
        cast(control_mean as double) as control_mean,
        cast(treatment_mean as double) as treatment_mean,
        cast(absolute_effect as double) as absolute_effect,
        cast(absolute_effect - critical_z * standard_error as double) as absolute_ci_lower,
        cast(absolute_effect + critical_z * standard_error as double) as absolute_ci_upper,
        cast(relative_effect as double) as relative_effect,
        cast(relative_effect - critical_z * relative_standard_error as double) as relative_ci_lower,
        cast(relative_effect + critical_z * relative_standard_error as double) as relative_ci_upper,
        cast(p_value as double) as p_value,
        cast(absolute_effect - sequential_multiplier * standard_error as double) as sequential_ci_lower,
        cast(absolute_effect + sequential_multiplier * standard_error as double) as sequential_ci_upper,
        cast(relative_effect - sequential_multiplier * relative_standard_error as double)
            as relative_sequential_ci_lower,
        cast(relative_effect + sequential_multiplier * relative_standard_error as double)
            as relative_sequential_ci_upper,
        cast(p_value_sequential as double) as p_value_sequential,
        is_sample_sufficient,
        cast(standard_error as double) as standard_error,
        cast(metric_kind as {{ dbt.type_string() }}) as metric_kind,
        cast(metric_role as {{ dbt.type_string() }}) as metric_role,
        cast(preferred_direction as {{ dbt.type_string() }}) as preferred_direction,
        cast({{ alpha }} as double) as alpha
    from with_p

)

select * from final
