-- Long table of unit-level metric values: one row per experiment x analysed unit x metric of
-- the experiment's domain (seed experiment_metric_catalog). numerator / denominator are the
-- unit's values from its first exposure to min(ended_at, end of data); covariate is the same
-- quantity in the 14 days before the experiment started (CUPED). Units without activity count
-- as 0. Units exposed to more than one variant are excluded here.
-- A table, not a view: it scans every event, and its tests and
-- int_experiment_arm_statistics_aggregated would each scan them again.
{{ config(materialized='table') }}

with

exposed_units as (

    select * from {{ ref('int_experiment_exposures_deduplicated') }}
    where not is_in_multiple_variants

),

catalog as (

    select * from {{ ref('experiment_metric_catalog') }}

),

events as {{ not_materialized() }} (

    select * from {{ ref('stg_app__events') }}

),

videos as (

    select * from {{ ref('stg_app__videos') }}

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

impressions as (

    select * from {{ ref('stg_ads__impressions') }}

),

clicks as (

    select * from {{ ref('stg_ads__clicks') }}

),

submissions as (

    select * from {{ ref('stg_labeling__submissions') }}

),

tasks as (

    select * from {{ ref('stg_labeling__tasks') }}

),

reports as (

    select * from {{ ref('stg_trust_safety__reports') }}

),

user_units as (

    select * from exposed_units
    where randomization_unit = 'user'

),

-- Each domain's activity, one row per unit's key and timestamp with what it counts;
-- unit_interval_sums() sums it over each unit's window and pre-period.
app_events_counted as (

    select
        user_id,
        event_at,
        case when event_type = 'video_view' then coalesce(cast(watch_seconds as double), 0) else 0 end
            as watch_seconds,
        case when event_type = 'video_view' then 1 else 0 end as video_views,
        case when event_type = 'app_open' then 1 else 0 end as app_opens,
        case when event_type = 'like' then 1 else 0 end as likes
    from events
    where event_type in ('video_view', 'app_open', 'like')

),

-- the same sums per user and day: int_user_days_aggregated has them (incremental), so only
-- the days a unit's boundaries cut read the events
app_days as (

    select
        user_id as activity_key,
        activity_date,
        watch_seconds,
        video_view_count as video_views,
        app_open_count as app_opens,
        like_count as likes
    from {{ ref('int_user_days_aggregated') }}
    where dimension_name = 'all'

),

app_activity as (

    {{ unit_interval_sums('user_units', 'app_events_counted', 'user_id', 'event_at',
                          ['watch_seconds', 'video_views', 'app_opens', 'likes'],
                          activity_days='app_days') | indent(4) }}

),

impressions_counted as (

    select
        impressions.user_id,
        impressions.shown_at,
        1 as impressions,
        count(clicks.click_id) as clicks
    from impressions
    left join clicks
        on impressions.impression_id = clicks.impression_id
    group by impressions.impression_id, impressions.user_id, impressions.shown_at

),

ad_activity as (

    {{ unit_interval_sums('user_units', 'impressions_counted', 'user_id', 'shown_at',
                          ['impressions', 'clicks']) | indent(4) }}

),

reports_counted as (

    select
        reporter_user_id,
        reported_at,
        1 as reports
    from reports

),

report_activity as (

    {{ unit_interval_sums('user_units', 'reports_counted', 'reporter_user_id', 'reported_at',
                          ['reports']) | indent(4) }}

),

labeler_units as (

    select * from exposed_units
    where randomization_unit = 'labeler'

),

submissions_counted as (

    select
        submissions.labeler_id,
        submissions.submitted_at,
        1 as submissions,
        case when tasks.is_gold then 1 else 0 end as gold_submissions,
        case when tasks.is_gold and submissions.answer = tasks.gold_answer then 1 else 0 end as gold_correct
    from submissions
    left join tasks
        on submissions.task_id = tasks.task_id
    where not submissions.is_skipped

),

labeling_activity as (

    {{ unit_interval_sums('labeler_units', 'submissions_counted', 'labeler_id', 'submitted_at',
                          ['submissions', 'gold_submissions', 'gold_correct']) | indent(4) }}

),

creator_units as (

    select * from exposed_units
    where randomization_unit = 'creator'

),

views_received_counted as (

    select
        videos.creator_id,
        events.event_at,
        1 as views_received
    from events
    inner join videos
        on events.video_id = videos.video_id
    where events.event_type = 'video_view'

),

-- the same per creator and day: int_creator_days_aggregated has them (incremental)
creator_days as (

    select
        user_id as activity_key,
        activity_date,
        video_views as views_received
    from {{ ref('int_creator_days_aggregated') }}

),

creator_activity as (

    {{ unit_interval_sums('creator_units', 'views_received_counted', 'creator_id', 'event_at',
                          ['views_received'], activity_days='creator_days') | indent(4) }}

),

unit_metrics as (

    select
        exposed_units.experiment_id,
        exposed_units.unit_id,
        exposed_units.variant,
        exposed_units.is_control,
        catalog.metric_name,
        catalog.metric_kind,
        case
            when catalog.metric_name = exposed_units.primary_metric then 'primary'
            else catalog.metric_role
        end as metric_role,
        case catalog.metric_name
            when 'watch_seconds_per_user' then coalesce(app_activity.watch_seconds_in_window, 0)
            when 'video_views_per_user' then coalesce(app_activity.video_views_in_window, 0)
            when 'app_opens_per_user' then coalesce(app_activity.app_opens_in_window, 0)
            when 'likes_per_user' then coalesce(app_activity.likes_in_window, 0)
            when 'ctr' then coalesce(ad_activity.clicks_in_window, 0)
            when 'ad_impressions_per_user' then coalesce(ad_activity.impressions_in_window, 0)
            when 'reports_per_user' then coalesce(report_activity.reports_in_window, 0)
            when 'submissions_per_labeler' then coalesce(labeling_activity.submissions_in_window, 0)
            when 'gold_accuracy' then coalesce(labeling_activity.gold_correct_in_window, 0)
            when 'views_received_per_creator' then coalesce(creator_activity.views_received_in_window, 0)
        end as numerator,
        case catalog.metric_name
            when 'ctr' then coalesce(ad_activity.impressions_in_window, 0)
            when 'gold_accuracy' then coalesce(labeling_activity.gold_submissions_in_window, 0)
            else 1
        end as denominator,
        case
            when catalog.covariate_definition = 'none' then null
            else case catalog.metric_name
                    when
                        'watch_seconds_per_user'
                        then coalesce(app_activity.watch_seconds_pre_period, 0)
                    when 'video_views_per_user' then coalesce(app_activity.video_views_pre_period, 0)
                    when 'app_opens_per_user' then coalesce(app_activity.app_opens_pre_period, 0)
                    when 'likes_per_user' then coalesce(app_activity.likes_pre_period, 0)
                    when 'ad_impressions_per_user' then coalesce(ad_activity.impressions_pre_period, 0)
                    when 'reports_per_user' then coalesce(report_activity.reports_pre_period, 0)
                    when 'submissions_per_labeler' then coalesce(labeling_activity.submissions_pre_period, 0)
                    when 'views_received_per_creator' then coalesce(creator_activity.views_received_pre_period, 0)
                end
        end as covariate,
        coalesce(creators.country, labelers.country, users.country) as country,
        users.platform,
        coalesce(creators.creator_tier, labelers.labeler_tier) as tier
    from exposed_units
    inner join catalog
        on exposed_units.experiment_domain = catalog.experiment_domain
            and exposed_units.randomization_unit = catalog.randomization_unit
    left join app_activity
        on exposed_units.experiment_id = app_activity.experiment_id
            and exposed_units.unit_id = app_activity.unit_id
    left join ad_activity
        on exposed_units.experiment_id = ad_activity.experiment_id
            and exposed_units.unit_id = ad_activity.unit_id
    left join report_activity
        on exposed_units.experiment_id = report_activity.experiment_id
            and exposed_units.unit_id = report_activity.unit_id
    left join labeling_activity
        on exposed_units.experiment_id = labeling_activity.experiment_id
            and exposed_units.unit_id = labeling_activity.unit_id
    left join creator_activity
        on exposed_units.experiment_id = creator_activity.experiment_id
            and exposed_units.unit_id = creator_activity.unit_id
    left join users
        on exposed_units.randomization_unit in ('user', 'creator')
            and exposed_units.unit_id = users.user_id
    left join labelers
        on exposed_units.randomization_unit = 'labeler'
            and exposed_units.unit_id = labelers.labeler_id
    left join creators
        on exposed_units.randomization_unit = 'creator'
            and exposed_units.unit_id = creators.creator_id

),

final as (

    select
        experiment_id,
        unit_id,
        variant,
        is_control,
        metric_name,
        metric_kind,
        metric_role,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        cast(covariate as double) as covariate,
        country,
        platform,
        tier
    from unit_metrics

)

select * from final
