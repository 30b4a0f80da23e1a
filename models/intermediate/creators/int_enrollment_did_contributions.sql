-- The creators and outcome changes behind each group-time ATT of the rewards
-- enrollment (Callaway and Sant'Anna 2021, unconditional, not-yet-treated
-- comparison, universal base period). A group is (country, enrollment week):
-- comparisons stay inside a country, so the country's launch, which moves
-- every creator of the country alike, cancels. Only creators who enrol at
-- some point are in the panel: the never-enrolled chose not to enrol and
-- differ in trend, so they are no comparison (docs/causal_inference.md).
-- For group g and week t (t <> g - 1) the base week is g - 1; the treated are
-- the group's creators, the controls the country's creators enrolling after
-- max(t, g - 1) (not yet enrolled in either week). One row per cell x
-- creator, with outcome_change = outcome(t) - outcome(g - 1).
with

panel as (

    select * from {{ ref('int_enrollment_did_panel') }}
    where is_ever_enrolled

),

weeks as (

    select distinct week_index
    from panel

),

last_week as (

    select max(week_index) as week_index
    from weeks

),

enrolled_creators as (

    select distinct
        creator_id,
        country,
        enrollment_week_index
    from panel

),

-- groups need a base week inside the panel (enrolled after the first week)
groups_in_panel as (

    select distinct
        enrolled_creators.country,
        enrolled_creators.enrollment_week_index as group_week_index
    from enrolled_creators
    cross join last_week
    where enrolled_creators.enrollment_week_index between 1 and last_week.week_index

),

cells as (

    select
        groups_in_panel.country,
        groups_in_panel.group_week_index,
        weeks.week_index as period_week_index,
        groups_in_panel.group_week_index - 1 as base_week_index
    from groups_in_panel
    cross join weeks
    where weeks.week_index <> groups_in_panel.group_week_index - 1

),

members as (

    select
        cells.country,
        cells.group_week_index,
        cells.period_week_index,
        cells.base_week_index,
        enrolled_creators.creator_id,
        enrolled_creators.enrollment_week_index = cells.group_week_index as is_treated
    from cells
    inner join enrolled_creators
        on
            cells.country = enrolled_creators.country
            and (
                cells.group_week_index = enrolled_creators.enrollment_week_index
                or greatest(cells.period_week_index, cells.base_week_index)
                < enrolled_creators.enrollment_week_index
            )

),

final as (

    select
        members.country,
        members.group_week_index,
        members.period_week_index,
        members.base_week_index,
        members.period_week_index - members.group_week_index as weeks_since_enrollment,
        members.creator_id,
        members.is_treated,
        period.videos_published_per_day - base.videos_published_per_day as outcome_change
    from members
    inner join panel as period
        on
            members.creator_id = period.creator_id
            and members.period_week_index = period.week_index
    inner join panel as base
        on
            members.creator_id = base.creator_id
            and members.base_week_index = base.week_index

)

select * from final
