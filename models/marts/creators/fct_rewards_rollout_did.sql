-- Causal effect of the creator rewards program's country-by-country launch,
-- by a stacked difference-in-differences (each launch cohort against
-- not-yet-treated countries; see int_rollout_did_panel and
-- docs/monetization_and_creators.md). One row per outcome x scope (all
-- stacks pooled, or one cohort's stack) x kind: att = the intention-to-treat
-- effect per creator-day; pre_trend_placebo = the same estimator on the
-- pre-launch days only with a fake launch mid-way (should be ~0).
-- Standard errors are clustered by country (macro stacked_did_estimate).
with

panel as (

    select * from {{ ref('int_rollout_did_panel') }}

),

estimation_rows as (

    {% for scope in ['all', 'cohort'] %}
        {% for kind in ['att', 'pre_trend_placebo'] %}
            select
                outcome_name,
                {% if scope == 'all' %}'all'{% else %}cast(cohort_launched_on as {{ dbt.type_string() }}){% endif %}
                    as estimate_scope,
                '{{ kind }}' as estimate_kind,
                cohort_launched_on as stack_id,
                creator_id as unit_id,
                activity_date as period,
                country as cluster_id,
                outcome_value as y,
                {% if kind == 'att' %}treatment{% else %}placebo_treatment{% endif %} as d
            from panel
            {% if kind == 'pre_trend_placebo' %}where is_pre_period{% endif %}
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

did_panel as (

    select
        {{ dbt.concat(['outcome_name', "'|'", 'estimate_scope', "'|'", 'estimate_kind']) }} as estimate_group,
        stack_id,
        unit_id,
        period,
        cluster_id,
        y,
        d
    from estimation_rows

),

groups as (

    select distinct
        {{ dbt.concat(['outcome_name', "'|'", 'estimate_scope', "'|'", 'estimate_kind']) }} as estimate_group,
        outcome_name,
        estimate_scope,
        estimate_kind
    from estimation_rows

),

{{ stacked_did_estimate('did_panel', 'did') }},

final as (

    select
        groups.outcome_name,
        groups.estimate_scope,
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
