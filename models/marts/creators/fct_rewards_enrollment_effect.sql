-- What enrolling in creator rewards did to the enrolled creators' posting
-- (videos per creator-day), next to the naive comparison an analyst would
-- reach for first. One row per estimate:
--   naive_difference  enrolled creators' mean since enrolling minus the
--                     never-enrolled creators' mean: BIASED, creators choose
--                     to enrol because they already post more and grow faster;
--   group_time_att    Callaway and Sant'Anna (2021) ATT(g, t) per country x
--                     enrollment week g x week t (int_enrollment_did_contributions);
--   event_time_att    ATT(g, g + e) averaged over groups weighted by their
--                     creators, per week since enrollment e;
--   overall_att       every cell with e >= 0, weighted by its treated creators;
--   pre_trend         the same over the cells with e <= -2 (e = -1 is the base
--                     week, 0 by construction): ~0 if the comparison is fair,
--                     its p-value is the pre-trend test.
-- Standard errors from influence functions at the creator level: a cell's
-- estimate is mean(treated change) - mean(control change), its influence on a
-- treated creator (change - treated mean) / n_treated, on a control
-- -(change - control mean) / n_control, each times sqrt(n / (n - 1)) so that
-- a cell's variance is Welch's s_t^2 / n_t + s_c^2 / n_c (cells have 5 to a
-- few dozen creators; without it the intervals undercover,
-- docs/causal_inference.md); an aggregate sums its cells' influences with its
-- weights per creator (weights taken as fixed), and its variance is the sum of
-- squares over creators. 95 % normal intervals.
-- A cell needs at least var enrollment_did_min_creators (5) creators on each
-- side: late weeks leave a country one or two not-yet-enrolled creators, whose
-- noise would enter the estimate while their variance estimate is ~0 (in a
-- simulation of the default preset, 30 replays, intervals without the floor
-- covered the truth 77 % of the time).
with

panel as (

    select * from {{ ref('int_enrollment_did_panel') }}

),

contributions as (

    select * from {{ ref('int_enrollment_did_contributions') }}

),

cell_roles as (

    select
        country,
        group_week_index,
        period_week_index,
        is_treated,
        count(*) as creators,
        avg(outcome_change) as mean_change
    from contributions
    group by
        country,
        group_week_index,
        period_week_index,
        is_treated

),

cells as (

    select
        treated.country,
        treated.group_week_index,
        treated.period_week_index,
        treated.period_week_index - treated.group_week_index as weeks_since_enrollment,
        treated.mean_change - control.mean_change as estimate,
        treated.creators as treated_creators,
        control.creators as control_creators
    from cell_roles as treated
    inner join cell_roles as control
        on
            treated.country = control.country
            and treated.group_week_index = control.group_week_index
            and treated.period_week_index = control.period_week_index
    where
        treated.is_treated
        and not control.is_treated
        and treated.creators >= {{ var('enrollment_did_min_creators', 5) }}
        and control.creators >= {{ var('enrollment_did_min_creators', 5) }}

),

-- each creator's influence on each estimable cell
cell_influence as (

    select
        contributions.country,
        contributions.group_week_index,
        contributions.period_week_index,
        cells.weeks_since_enrollment,
        contributions.creator_id,
        case
            when contributions.is_treated
                then (contributions.outcome_change - cell_roles.mean_change)
                    / sqrt(cells.treated_creators * (cells.treated_creators - 1.0e0))
            else -(contributions.outcome_change - cell_roles.mean_change)
                / sqrt(cells.control_creators * (cells.control_creators - 1.0e0))
        end as influence
    from contributions
    inner join cells
        on
            contributions.country = cells.country
            and contributions.group_week_index = cells.group_week_index
            and contributions.period_week_index = cells.period_week_index
    inner join cell_roles
        on
            contributions.country = cell_roles.country
            and contributions.group_week_index = cell_roles.group_week_index
            and contributions.period_week_index = cell_roles.period_week_index
            and contributions.is_treated = cell_roles.is_treated

),

cell_estimates as (

    select
        cells.country,
        cells.group_week_index,
        cells.period_week_index,
        cells.weeks_since_enrollment,
        cells.estimate,
        sqrt(sum(cell_influence.influence * cell_influence.influence)) as std_error,
        cells.treated_creators,
        cells.control_creators
    from cells
    inner join cell_influence
        on
            cells.country = cell_influence.country
            and cells.group_week_index = cell_influence.group_week_index
            and cells.period_week_index = cell_influence.period_week_index
    group by
        cells.country,
        cells.group_week_index,
        cells.period_week_index,
        cells.weeks_since_enrollment,
        cells.estimate,
        cells.treated_creators,
        cells.control_creators

),

-- CS event-time weights: a group's share of the treated creators among the
-- groups observed e weeks after enrolling
event_weights as (

    select
        country,
        group_week_index,
        period_week_index,
        weeks_since_enrollment,
        cast(treated_creators as double)
        / sum(treated_creators) over (partition by weeks_since_enrollment) as weight
    from cells

),

event_influence as (

    select
        cell_influence.weeks_since_enrollment,
        cell_influence.creator_id,
        sum(event_weights.weight * cell_influence.influence) as influence
    from cell_influence
    inner join event_weights
        on
            cell_influence.country = event_weights.country
            and cell_influence.group_week_index = event_weights.group_week_index
            and cell_influence.period_week_index = event_weights.period_week_index
    group by
        cell_influence.weeks_since_enrollment,
        cell_influence.creator_id

),

event_estimates as (

    select
        cells.weeks_since_enrollment,
        sum(event_weights.weight * cells.estimate) as estimate,
        sum(cells.treated_creators) as treated_creators,
        count(*) as cells
    from cells
    inner join event_weights
        on
            cells.country = event_weights.country
            and cells.group_week_index = event_weights.group_week_index
            and cells.period_week_index = event_weights.period_week_index
    group by cells.weeks_since_enrollment

),

event_errors as (

    select
        weeks_since_enrollment,
        sqrt(sum(influence * influence)) as std_error
    from event_influence
    group by weeks_since_enrollment

),

-- overall (e >= 0) and pre-trend (e <= -2): every cell of the kind weighted
-- by its treated creators (Callaway and Sant'Anna's simple aggregation), so
-- the sparse late event times, where few groups are observed, weigh little
summary_cells as (

    select
        country,
        group_week_index,
        period_week_index,
        case when weeks_since_enrollment >= 0 then 'overall_att' else 'pre_trend' end as estimate_kind,
        estimate,
        treated_creators
    from cells
    where weeks_since_enrollment >= 0 or weeks_since_enrollment <= -2

),

summary_weights as (

    select
        country,
        group_week_index,
        period_week_index,
        estimate_kind,
        estimate,
        cast(treated_creators as double)
        / sum(treated_creators) over (partition by estimate_kind) as weight
    from summary_cells

),

summary_sizes as (

    select
        estimate_kind,
        sum(weight * estimate) as estimate,
        count(*) as cells
    from summary_weights
    group by estimate_kind

),

summary_influence as (

    select
        summary_weights.estimate_kind,
        cell_influence.creator_id,
        sum(summary_weights.weight * cell_influence.influence) as influence
    from summary_weights
    inner join cell_influence
        on
            summary_weights.country = cell_influence.country
            and summary_weights.group_week_index = cell_influence.group_week_index
            and summary_weights.period_week_index = cell_influence.period_week_index
    group by
        summary_weights.estimate_kind,
        cell_influence.creator_id

),

summary_estimates as (

    select
        summary_sizes.estimate_kind,
        summary_sizes.estimate,
        sqrt(sum(summary_influence.influence * summary_influence.influence)) as std_error,
        summary_sizes.cells
    from summary_sizes
    inner join summary_influence
        on summary_sizes.estimate_kind = summary_influence.estimate_kind
    group by
        summary_sizes.estimate_kind,
        summary_sizes.estimate,
        summary_sizes.cells

),

-- naive: one mean per creator, then Welch's difference of the two groups
naive_creators as (

    select
        creator_id,
        is_ever_enrolled,
        avg(videos_published_per_day) as mean_outcome
    from panel
    where is_enrolled or not is_ever_enrolled
    group by
        creator_id,
        is_ever_enrolled

),

naive_groups as (

    select
        is_ever_enrolled,
        count(*) as creators,
        avg(mean_outcome) as mean_outcome,
        var_samp(mean_outcome) as variance
    from naive_creators
    group by is_ever_enrolled

),

naive_estimate as (

    select
        enrolled.mean_outcome - never.mean_outcome as estimate,
        sqrt(enrolled.variance / enrolled.creators + never.variance / never.creators) as std_error,
        enrolled.creators as treated_creators,
        never.creators as control_creators
    from naive_groups as enrolled
    inner join naive_groups as never
        on enrolled.is_ever_enrolled and not never.is_ever_enrolled

),

week_starts as (

    select distinct
        week_index,
        week_start
    from panel

),

estimates as (

    select
        'naive_difference' as estimate_kind,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as int) as group_week_index,
        cast(null as int) as period_week_index,
        cast(null as int) as weeks_since_enrollment,
        estimate,
        std_error,
        treated_creators,
        control_creators,
        cast(null as {{ dbt.type_bigint() }}) as cells
    from naive_estimate

    union all

    select
        'group_time_att' as estimate_kind,
        country,
        group_week_index,
        period_week_index,
        weeks_since_enrollment,
        estimate,
        std_error,
        treated_creators,
        control_creators,
        1 as cells
    from cell_estimates

    union all

    select
        'event_time_att' as estimate_kind,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as int) as group_week_index,
        cast(null as int) as period_week_index,
        event_estimates.weeks_since_enrollment,
        event_estimates.estimate,
        event_errors.std_error,
        event_estimates.treated_creators,
        cast(null as {{ dbt.type_bigint() }}) as control_creators,
        event_estimates.cells
    from event_estimates
    inner join event_errors
        on event_estimates.weeks_since_enrollment = event_errors.weeks_since_enrollment

    union all

    select
        estimate_kind,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as int) as group_week_index,
        cast(null as int) as period_week_index,
        cast(null as int) as weeks_since_enrollment,
        estimate,
        std_error,
        cast(null as {{ dbt.type_bigint() }}) as treated_creators,
        cast(null as {{ dbt.type_bigint() }}) as control_creators,
        cells
    from summary_estimates

),

final as (

    select
        {{ dbt.concat([
            'estimates.estimate_kind', "'|'",
            "coalesce(estimates.country, '')", "'|'",
            "coalesce(cast(estimates.group_week_index as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(cast(estimates.period_week_index as " ~ dbt.type_string() ~ "), '')", "'|'",
            "coalesce(cast(estimates.weeks_since_enrollment as " ~ dbt.type_string() ~ "), '')"
        ]) }} as estimate_id,
        estimates.estimate_kind,
        estimates.estimate_kind = 'naive_difference' as is_biased_by_design,
        'videos_published_per_creator_day' as metric_name,
        estimates.country,
        group_week.week_start as enrollment_week_start,
        period_week.week_start as period_week_start,
        estimates.weeks_since_enrollment,
        estimates.estimate,
        estimates.std_error,
        estimates.estimate - {{ var('did_z_critical', 1.959963984540054) }} * estimates.std_error as ci_lower,
        estimates.estimate + {{ var('did_z_critical', 1.959963984540054) }} * estimates.std_error as ci_upper,
        estimates.estimate / nullif(estimates.std_error, 0) as z_stat,
        2 * {{ normal_cdf('-abs(estimates.estimate / nullif(estimates.std_error, 0))') }} as p_value,
        estimates.treated_creators,
        estimates.control_creators,
        estimates.cells
    from estimates
    left join week_starts as group_week
        on estimates.group_week_index = group_week.week_index
    left join week_starts as period_week
        on estimates.period_week_index = period_week.week_index

)

select * from final
