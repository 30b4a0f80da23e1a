-- Invariant: in fct_indicator_change_drivers, within each metric x day x dimension the
-- contributions of the dimension's values add up to total_change, which is one number for
-- the group (to 1e-9 relative). Why: the decomposition promises that the drivers explain the
-- whole change and nothing else (docs/core_indicators.md); a value missing from the current day
-- or its baseline breaks the sum. The row-level parts (rate + mix + interaction = contribution,
-- total_change = current_total - baseline_total) are expression tests on the model. One pass
-- over the mart; returns the groups whose contributions do not add up.
with

drivers as (

    select * from {{ ref('fct_indicator_change_drivers') }}

),

groups_summed as (

    select
        metric_date,
        metric_name,
        dimension_name,
        count(*) as dimension_values,
        sum(contribution) as contributions,
        min(total_change) as total_change,
        max(total_change) as max_total_change
    from drivers
    group by metric_date, metric_name, dimension_name

),

final as (

    select *
    from groups_summed
    where
        abs(contributions - total_change) > 1e-9 * greatest(1, abs(total_change))
        or max_total_change <> total_change
        or total_change is null

)

select * from final
