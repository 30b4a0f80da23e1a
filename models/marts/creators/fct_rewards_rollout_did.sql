-- Causal effect of the creator rewards program's country-by-country launch,
-- by a stacked difference-in-differences (each launch cohort against
-- not-yet-treated countries; see int_rollout_did_panel and
-- docs/monetization_and_creators.md). One row per outcome x scope (all
-- stacks pooled, or one cohort's stack) x kind: att = the intention-to-treat
-- effect per creator-day; pre_trend_placebo = the same estimator on the
-- pre-launch days only with a fake launch mid-way (should be ~0).
-- Standard errors are clustered by country (macro stacked_did_estimate,
-- which gives both scopes from one pass over the panel).
with

panel as (

    select * from {{ ref('int_rollout_did_panel') }}

),

-- read four times by the estimator's first steps: computed once on DuckDB
did_panel as {{ materialized() }} (

    select
        {{ dbt.concat(['outcome_name', "'|att'"]) }} as estimate_group,
        cohort_launched_on as stack_id,
        creator_id as unit_id,
        activity_date as period,
        country as cluster_id,
        outcome_value as y,
        treatment as d
    from panel

    union all

    select
        {{ dbt.concat(['outcome_name', "'|pre_trend_placebo'"]) }} as estimate_group,
        cohort_launched_on as stack_id,
        creator_id as unit_id,
        activity_date as period,
        country as cluster_id,
        outcome_value as y,
        placebo_treatment as d
    from panel
    where is_pre_period

),

outcomes as (

    select distinct outcome_name
    from panel

),

groups as (

    select
        {{ dbt.concat(['outcome_name', "'|att'"]) }} as estimate_group,
        outcome_name,
        'att' as estimate_kind
    from outcomes

    union all

    select
        {{ dbt.concat(['outcome_name', "'|pre_trend_placebo'"]) }} as estimate_group,
        outcome_name,
        'pre_trend_placebo' as estimate_kind
    from outcomes

),

{{ stacked_did_estimate('did_panel', 'did') }},

final as (

    select
        groups.outcome_name,
        did_estimated.estimate_scope,
        groups.estimate_kind,
        did_estimated.estimate,
        did_estimated.std_error,
        did_estimated.estimate - {{ var('did_z_critical', 1.959963984540054) }} * did_estimated.std_error
            as ci_lower,
        did_estimated.estimate + {{ var('did_z_critical', 1.959963984540054) }} * did_estimated.std_error
            as ci_upper,
        did_estimated.estimate / nullif(did_estimated.std_error, 0) as z_stat,
        abs(did_estimated.estimate / nullif(did_estimated.std_error, 0))
        > {{ var('did_z_critical', 1.959963984540054) }} as is_significant,
        did_estimated.observations,
        did_estimated.treated_observations,
        did_estimated.stacks,
        did_estimated.stack_units,
        did_estimated.clusters,
        did_estimated.parameters
    from did_estimated
    inner join groups
        on did_estimated.estimate_group = groups.estimate_group

)

select * from final
