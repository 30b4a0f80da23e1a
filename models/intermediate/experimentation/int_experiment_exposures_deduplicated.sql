-- One row per experiment x exposed unit: the unit's first exposure, the variant it was first
-- shown, whether the client logged it in more than one variant (such units are excluded from
-- analysis and counted in fct_experiment_health), and its assignment for reconciliation.
-- The analysis window runs from the first exposure to min(ended_at, end of data).
-- A table, not a view: each of its data tests and of the models reading it
-- would otherwise run its whole query again.
{{ config(materialized='table') }}

with

exposures as {{ not_materialized() }} (

    select * from {{ ref('stg_experimentation__exposures') }}

),

assignments as (

    select * from {{ ref('stg_experimentation__assignments') }}

),

experiments as (

    select * from {{ ref('stg_experimentation__experiments') }}

),

users as (

    select * from {{ ref('stg_app__users') }}

),

creators as (

    select * from {{ ref('stg_creators__creators') }}

),

labelers as (

    select * from {{ ref('stg_labeling__labelers') }}

),

data_end as (

    -- End of data: midnight after the last day with a staged exposure (var overrides it).
    select
        {%- if var('experiment_data_end_at', none) is not none %}
        cast('{{ var("experiment_data_end_at") }}' as {{ dbt.type_timestamp() }}) as data_end_at
        {%- else %}
            cast({{ dbt.dateadd('day', 1, dbt.date_trunc('day', 'max(exposed_at)')) }} as {{ dbt.type_timestamp() }})
                as data_end_at
        {%- endif %}
    from exposures

),

-- the first exposure's variant by value_at_min() (ties on exposed_at: the smaller
-- exposure_id), in the same pass as the counts
per_unit as (

    select
        experiment_id,
        unit_id,
        min(exposed_at) as first_exposed_at,
        {{ value_at_min('variant', ['exposed_at', 'exposure_id']) }} as first_variant,
        cast(count(*) as {{ dbt.type_bigint() }}) as exposure_count,
        cast(count(distinct variant) as {{ dbt.type_bigint() }}) as variant_count
    from exposures
    group by experiment_id, unit_id

),

unit_assignment as (

    select
        experiment_id,
        unit_id,
        min(variant) as assigned_variant,
        cast(count(distinct variant) as {{ dbt.type_bigint() }}) as assigned_variant_count
    from assignments
    group by experiment_id, unit_id

),

final as (

    select
        per_unit.experiment_id,
        per_unit.unit_id,
        per_unit.first_variant as variant,
        coalesce(per_unit.first_variant = experiments.control_variant, false) as is_control,
        per_unit.first_exposed_at,
        per_unit.exposure_count,
        per_unit.variant_count,
        coalesce(per_unit.variant_count > 1, false) as is_in_multiple_variants,
        -- ended_at null: the experiment is still running, the window is open
        coalesce(
            per_unit.first_exposed_at < experiments.started_at
            or per_unit.first_exposed_at >= experiments.ended_at,
            false
        ) as is_outside_window,
        unit_assignment.assigned_variant,
        not coalesce(unit_assignment.unit_id is null, false) as is_assigned,
        case
            when unit_assignment.unit_id is null then false
            when unit_assignment.assigned_variant = per_unit.first_variant then false
            else true
        end as is_assignment_mismatch,
        experiments.experiment_domain,
        experiments.randomization_unit,
        experiments.primary_metric,
        experiments.started_at,
        cast({{ dbt.dateadd('day', -14, 'experiments.started_at') }} as {{ dbt.type_timestamp() }})
            as pre_period_start_at,
        case
            when experiments.ended_at is null then data_end.data_end_at
            when experiments.ended_at < data_end.data_end_at then experiments.ended_at
            else data_end.data_end_at
        end as window_end_at,
        -- the unit's segments: creators and labelers by their own country and tier, users
        -- (and creators, who are users) by platform
        coalesce(creators.country, labelers.country, users.country) as country,
        users.platform,
        coalesce(creators.creator_tier, labelers.labeler_tier) as tier
    from per_unit
    inner join experiments
        on per_unit.experiment_id = experiments.experiment_id
    cross join data_end
    left join unit_assignment
        on per_unit.experiment_id = unit_assignment.experiment_id
            and per_unit.unit_id = unit_assignment.unit_id
    left join users
        on experiments.randomization_unit in ('user', 'creator')
            and per_unit.unit_id = users.user_id
    left join labelers
        on experiments.randomization_unit = 'labeler'
            and per_unit.unit_id = labelers.labeler_id
    left join creators
        on experiments.randomization_unit = 'creator'
            and per_unit.unit_id = creators.creator_id

)

select * from final
