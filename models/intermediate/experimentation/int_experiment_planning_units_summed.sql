-- One row per randomization unit kind x unit that would have entered an experiment running over
-- the last 28 days of data (the planning window): each activity measure of the unit summed over
-- the window and over the 14 days before it (the CUPED pre-period), 0 without activity.
-- It mirrors int_experiment_unit_activity_summed for an experiment started on the window's
-- first day: a unit enters at its first exposure, and exposures happen on the activity that
-- shows the unit the product (users and creators: a day with a valid app event, labelers: a
-- day with a submission), so a unit is one with that activity in the window, and its sum from
-- its first exposure to the end is its sum over the whole window (it had no activity before).
-- The measures come from the day bases the experiment unit-days base reads
-- (int_user_days_aggregated, int_creator_days_aggregated), the ad-activity and labeler days;
-- reports have no day base, so they are counted from staging. fct_experiment_power_planning
-- turns the sums into catalog metrics.
{{ config(materialized='table') }}
{%- set window_days = 28 -%}
{%- set pre_period_days = 14 -%}
{%- set measures = ['watch_seconds', 'video_views', 'app_opens', 'likes', 'impressions', 'clicks',
                    'reports', 'submissions', 'gold_submissions', 'gold_correct', 'views_received'] -%}
{#- each activity: the unit kind it counts for, its day rows (CTEs below), whether it exposes
    the unit, and the measures it carries (as in int_experiment_unit_days_aggregated) -#}
{%- set activities = [
    ['user', 'app_days', 'true', ['watch_seconds', 'video_views', 'app_opens', 'likes']],
    ['user', 'ad_days', 'false', ['impressions', 'clicks']],
    ['user', 'report_days', 'false', ['reports']],
    ['creator', 'creator_app_days', 'true', []],
    ['creator', 'creator_days', 'false', ['views_received']],
    ['labeler', 'labeler_days', 'is_labeling_day', ['submissions', 'gold_submissions', 'gold_correct']]
] -%}
{%- set unit_kind_of = {} -%}
{%- for unit_kind, relation, exposes, own in activities -%}
    {%- for measure in own -%}
        {%- do unit_kind_of.update({measure: unit_kind}) -%}
    {%- endfor -%}
{%- endfor %}

with

user_days as (

    select * from {{ ref('int_user_days_aggregated') }}
    where dimension_name = 'all'

),

ad_activity_days as (

    select * from {{ ref('int_ad_activity_days_aggregated') }}
    where user_id is not null

),

reports as (

    select * from {{ ref('stg_trust_safety__reports') }}

),

creator_received_days as (

    select * from {{ ref('int_creator_days_aggregated') }}

),

labeler_activity_days as (

    select * from {{ ref('int_labeler_days_aggregated') }}

),

creators as (

    select * from {{ ref('stg_creators__creators') }}

),

-- the last 28 days with app events, and the 14 days before them
planning_window as (

    select
        cast({{ dbt.dateadd('day', 1 - window_days, 'max(activity_date)') }} as date) as window_start_date,
        max(activity_date) as window_end_date,
        cast({{ dbt.dateadd('day', 1 - window_days - pre_period_days, 'max(activity_date)') }} as date)
            as pre_period_start_date
    from user_days

),

-- Each activity as unit x day rows with its measures
app_days as (

    select
        user_id as unit_id,
        activity_date,
        watch_seconds,
        video_view_count as video_views,
        app_open_count as app_opens,
        like_count as likes
    from user_days

),

-- clicks on the impressions shown that day, as the experiments count them
ad_days as (

    select
        user_id as unit_id,
        activity_date,
        impressions,
        clicks
    from ad_activity_days

),

report_days as (

    select
        reporter_user_id as unit_id,
        cast(reported_at as date) as activity_date,
        1 as reports
    from reports

),

-- a creator is exposed on the days the creator uses the app (creator_id is the user_id)
creator_app_days as (

    select
        creators.creator_id as unit_id,
        user_days.activity_date
    from user_days
    inner join creators
        on user_days.user_id = creators.creator_id

),

creator_days as (

    select
        user_id as unit_id,
        activity_date,
        video_views as views_received
    from creator_received_days

),

-- answered (non-skipped) submissions, and the answered gold ones, as the experiments count them;
-- a labeler is exposed on a day with any submission, a skipped one too
labeler_days as (

    select
        labeler_id as unit_id,
        activity_date,
        submissions > 0 as is_labeling_day,
        answered_submissions as submissions,
        gold_submissions,
        gold_correct_submissions as gold_correct
    from labeler_activity_days

),

activity_days as (

    {% for unit_kind, relation, exposes, own in activities %}
        select
            '{{ unit_kind }}' as randomization_unit,
            {{ relation }}.unit_id,
            {{ relation }}.activity_date,
            {%- for measure in measures %}
                cast({{ measure if measure in own else 0 }} as double) as {{ measure }},
            {%- endfor %}
            {{ exposes }} as is_exposing
        from {{ relation }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

units as (

    select distinct
        activity_days.randomization_unit,
        activity_days.unit_id
    from activity_days
    cross join planning_window
    where
        activity_days.is_exposing
        and activity_days.activity_date >= planning_window.window_start_date
        and activity_days.activity_date <= planning_window.window_end_date

),

summed as (

    select
        {%- for measure in measures %}
            sum(case
                when activity_days.activity_date >= planning_window.window_start_date
                    then activity_days.{{ measure }}
                else 0
            end) as {{ measure }}_in_window,
            sum(case
                when activity_days.activity_date < planning_window.window_start_date
                    then activity_days.{{ measure }}
                else 0
            end) as {{ measure }}_pre_period,
        {%- endfor %}
        units.randomization_unit,
        units.unit_id
    from units
    cross join planning_window
    left join activity_days
        on units.randomization_unit = activity_days.randomization_unit
            and units.unit_id = activity_days.unit_id
            and planning_window.pre_period_start_date <= activity_days.activity_date
            and planning_window.window_end_date >= activity_days.activity_date
    group by units.randomization_unit, units.unit_id

),

final as (

    select
        summed.randomization_unit,
        summed.unit_id,
        {%- for measure in measures %}
            {%- for part in ['in_window', 'pre_period'] %}
                case
                    when summed.randomization_unit = '{{ unit_kind_of[measure] }}'
                        then cast(coalesce(summed.{{ measure }}_{{ part }}, 0) as double)
                end as {{ measure }}_{{ part }},
            {%- endfor %}
        {%- endfor %}
        planning_window.window_start_date,
        planning_window.window_end_date,
        planning_window.pre_period_start_date,
        {{ window_days }} as window_days
    from summed
    cross join planning_window

)

select * from final
