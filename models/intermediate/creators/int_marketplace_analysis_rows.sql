-- One row per analysed row of a marketplace experiment's estimators (the rows the
-- mart's regressions and python_checks/test_marketplace_experiments.py refit):
--   creator_side: one row per assigned creator (views received, videos published in
--                 the window), plus the control creators in the pre-period and the
--                 window (the cannibalization estimate);
--   viewer_side:  one row per assigned viewer (watch seconds, views made);
--   two_sided:    one row per assigned viewer x assigned creator pair (watch seconds
--                 and views of that viewer on that creator's videos), zero pairs included.
-- A marketplace experiment is one whose assignments carry unit_type; its design follows
-- from the sides assigned (both: two_sided). docs/marketplace_experiments.md.
with

experiments as (

    select * from {{ ref('stg_experimentation__experiments') }}

),

assignments as (

    select * from {{ ref('stg_experimentation__assignments') }}
    where unit_type is not null

),

views as (

    select * from {{ ref('int_video_views_attributed') }}

),

videos as (

    select * from {{ ref('stg_app__videos') }}

),

data_end as (

    select max(viewed_at) as data_end_at
    from views

),

designs as (

    select
        experiment_id,
        case
            when count(distinct unit_type) = 2 then 'two_sided'
            when max(unit_type) = 'creator' then 'creator_side'
            else 'viewer_side'
        end as design
    from assignments
    group by experiment_id

),

windows as (

    -- window [started_at, ended_at) (open: the end of data); the pre-period is the same
    -- number of whole days just before it
    select
        designs.experiment_id,
        designs.design,
        experiments.control_variant,
        experiments.started_at,
        coalesce(experiments.ended_at, data_end.data_end_at) as window_end_at,
        {{ dbt.datediff('experiments.started_at', 'coalesce(experiments.ended_at, data_end.data_end_at)', 'day') }}
            as window_days
    from designs
    inner join experiments
        on designs.experiment_id = experiments.experiment_id
    cross join data_end

),

experiment_windows as (

    select
        windows.*,
        cast({{ dbt.dateadd('day', '-windows.window_days', 'windows.started_at') }} as {{ dbt.type_timestamp() }})
            as pre_period_start_at
    from windows

),

units as (

    -- a unit assigned to more than one variant is left out (the service never does it)
    select
        assignments.experiment_id,
        assignments.unit_id,
        assignments.unit_type,
        max(case when assignments.variant = experiment_windows.control_variant then 0 else 1 end)
            as arm
    from assignments
    inner join experiment_windows
        on assignments.experiment_id = experiment_windows.experiment_id
    group by assignments.experiment_id, assignments.unit_id, assignments.unit_type
    having count(distinct assignments.variant) = 1

),

creator_views as (

    -- views of the assigned creators' videos, pre-period and window
    select
        units.experiment_id,
        units.unit_id as creator_id,
        views.viewer_id,
        views.watch_milliseconds,
        views.viewed_at >= experiment_windows.started_at as is_in_window
    from units
    inner join experiment_windows
        on units.experiment_id = experiment_windows.experiment_id
    inner join views
        on units.unit_id = views.creator_id
            and experiment_windows.pre_period_start_at <= views.viewed_at
            and experiment_windows.window_end_at > views.viewed_at
    where units.unit_type = 'creator'

),

viewer_views as (

    -- views made by the assigned viewers in the window
    select
        units.experiment_id,
        units.unit_id as viewer_id,
        views.creator_id,
        views.watch_milliseconds
    from units
    inner join experiment_windows
        on units.experiment_id = experiment_windows.experiment_id
    inner join views
        on units.unit_id = views.viewer_id
            and experiment_windows.started_at <= views.viewed_at
            and experiment_windows.window_end_at > views.viewed_at
    where units.unit_type = 'user'

),

creator_published as (

    select
        units.experiment_id,
        units.unit_id as creator_id,
        count(*) as videos_published
    from units
    inner join experiment_windows
        on units.experiment_id = experiment_windows.experiment_id
    inner join videos
        on units.unit_id = videos.creator_id
            and experiment_windows.started_at <= videos.published_at
            and experiment_windows.window_end_at > videos.published_at
    where units.unit_type = 'creator'
    group by units.experiment_id, units.unit_id

),

creator_totals as (

    select
        experiment_id,
        creator_id,
        sum(case when is_in_window then 1 else 0 end) as window_views,
        sum(case when is_in_window then 0 else 1 end) as pre_period_views
    from creator_views
    group by experiment_id, creator_id

),

creator_side_units as (

    select
        units.experiment_id,
        units.unit_id as creator_id,
        units.arm,
        cast(coalesce(creator_totals.window_views, 0) as {{ dbt.type_float() }}) as window_views,
        cast(coalesce(creator_totals.pre_period_views, 0) as {{ dbt.type_float() }}) as pre_period_views,
        cast(coalesce(creator_published.videos_published, 0) as {{ dbt.type_float() }}) as videos_published
    from units
    inner join experiment_windows
        on units.experiment_id = experiment_windows.experiment_id
    left join creator_totals
        on units.experiment_id = creator_totals.experiment_id
            and units.unit_id = creator_totals.creator_id
    left join creator_published
        on units.experiment_id = creator_published.experiment_id
            and units.unit_id = creator_published.creator_id
    where experiment_windows.design = 'creator_side' and units.unit_type = 'creator'

),

viewer_totals as (

    select
        experiment_id,
        viewer_id,
        count(*) as views_made,
        sum(watch_milliseconds) as watch_milliseconds
    from viewer_views
    group by experiment_id, viewer_id

),

viewer_side_units as (

    select
        units.experiment_id,
        units.unit_id as viewer_id,
        units.arm,
        cast(coalesce(viewer_totals.views_made, 0) as {{ dbt.type_float() }}) as views_made,
        cast(coalesce(viewer_totals.watch_milliseconds, 0) as {{ dbt.type_float() }}) / 1000.0
            as watch_seconds
    from units
    inner join experiment_windows
        on units.experiment_id = experiment_windows.experiment_id
    left join viewer_totals
        on units.experiment_id = viewer_totals.experiment_id
            and units.unit_id = viewer_totals.viewer_id
    where experiment_windows.design = 'viewer_side' and units.unit_type = 'user'

),

pair_totals as (

    select
        experiment_id,
        viewer_id,
        creator_id,
        count(*) as view_count,
        sum(watch_milliseconds) as watch_milliseconds
    from viewer_views
    group by experiment_id, viewer_id, creator_id

),

two_sided_pairs as (

    select
        viewers.experiment_id,
        viewers.unit_id as viewer_id,
        creators.unit_id as creator_id,
        viewers.arm as viewer_arm,
        creators.arm as creator_arm,
        cast(coalesce(pair_totals.view_count, 0) as {{ dbt.type_float() }}) as view_count,
        cast(coalesce(pair_totals.watch_milliseconds, 0) as {{ dbt.type_float() }}) / 1000.0
            as watch_seconds
    from units as viewers
    inner join experiment_windows
        on viewers.experiment_id = experiment_windows.experiment_id
    inner join units as creators
        on viewers.experiment_id = creators.experiment_id
    left join pair_totals
        on viewers.experiment_id = pair_totals.experiment_id
            and viewers.unit_id = pair_totals.viewer_id
            and creators.unit_id = pair_totals.creator_id
    where
        experiment_windows.design = 'two_sided'
        and viewers.unit_type = 'user'
        and creators.unit_type = 'creator'

),

analysis_rows as (

    select
        experiment_id,
        'creator_side' as design,
        'views_received_per_creator' as metric_name,
        'creator' as side,
        'creators' as analysis_scope,
        case when arm = 1 then 'treatment' else 'control' end as cell,
        cast(null as {{ dbt.type_string() }}) as viewer_id,
        creator_id,
        cast(null as {{ dbt.type_int() }}) as viewer_arm,
        arm as creator_arm,
        window_views as outcome
    from creator_side_units

    union all

    select
        experiment_id,
        'creator_side' as design,
        'videos_published_per_creator' as metric_name,
        'creator' as side,
        'creators' as analysis_scope,
        case when arm = 1 then 'treatment' else 'control' end as cell,
        cast(null as {{ dbt.type_string() }}) as viewer_id,
        creator_id,
        cast(null as {{ dbt.type_int() }}) as viewer_arm,
        arm as creator_arm,
        videos_published as outcome
    from creator_side_units

    union all

    -- control creators before and during the window: their loss to the treated
    select
        experiment_id,
        'creator_side' as design,
        'views_received_per_creator' as metric_name,
        'creator' as side,
        'control_creator_periods' as analysis_scope,
        'pre_period' as cell,
        cast(null as {{ dbt.type_string() }}) as viewer_id,
        creator_id,
        cast(null as {{ dbt.type_int() }}) as viewer_arm,
        arm as creator_arm,
        pre_period_views as outcome
    from creator_side_units
    where arm = 0

    union all

    select
        experiment_id,
        'creator_side' as design,
        'views_received_per_creator' as metric_name,
        'creator' as side,
        'control_creator_periods' as analysis_scope,
        'window' as cell,
        cast(null as {{ dbt.type_string() }}) as viewer_id,
        creator_id,
        cast(null as {{ dbt.type_int() }}) as viewer_arm,
        arm as creator_arm,
        window_views as outcome
    from creator_side_units
    where arm = 0

    union all

    select
        experiment_id,
        'viewer_side' as design,
        'watch_seconds_per_viewer' as metric_name,
        'viewer' as side,
        'viewers' as analysis_scope,
        case when arm = 1 then 'treatment' else 'control' end as cell,
        viewer_id,
        cast(null as {{ dbt.type_string() }}) as creator_id,
        arm as viewer_arm,
        cast(null as {{ dbt.type_int() }}) as creator_arm,
        watch_seconds as outcome
    from viewer_side_units

    union all

    -- a viewer's views are views received by the market's creators: the relative
    -- effect on views per viewer is the relative effect on views per creator
    select
        experiment_id,
        'viewer_side' as design,
        'views_received_per_creator' as metric_name,
        'creator' as side,
        'viewers' as analysis_scope,
        case when arm = 1 then 'treatment' else 'control' end as cell,
        viewer_id,
        cast(null as {{ dbt.type_string() }}) as creator_id,
        arm as viewer_arm,
        cast(null as {{ dbt.type_int() }}) as creator_arm,
        views_made as outcome
    from viewer_side_units

    union all

    select
        experiment_id,
        'two_sided' as design,
        'watch_seconds_per_viewer' as metric_name,
        'viewer' as side,
        'pairs' as analysis_scope,
        {{ marketplace_pair_cell('viewer_arm', 'creator_arm') }} as cell,
        viewer_id,
        creator_id,
        viewer_arm,
        creator_arm,
        watch_seconds as outcome
    from two_sided_pairs

    union all

    select
        experiment_id,
        'two_sided' as design,
        'views_received_per_creator' as metric_name,
        'creator' as side,
        'pairs' as analysis_scope,
        {{ marketplace_pair_cell('viewer_arm', 'creator_arm') }} as cell,
        viewer_id,
        creator_id,
        viewer_arm,
        creator_arm,
        view_count as outcome
    from two_sided_pairs

),

final as (

    select
        experiment_id,
        design,
        metric_name,
        side,
        analysis_scope,
        cell,
        viewer_id,
        creator_id,
        viewer_arm,
        creator_arm,
        outcome
    from analysis_rows

)

select * from final
