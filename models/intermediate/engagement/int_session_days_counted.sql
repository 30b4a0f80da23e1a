-- One row per UTC day × slice (dimension_name, dimension_value): the
-- sessions with at least one event that day in the slice. A session counts
-- once in each day and slice it touches: one crossing midnight counts on both
-- days, one whose events change country counts in both countries. Slices are
-- those of int_user_days_aggregated (the event's country and platform, the
-- user's age band and acquisition channel). Kept apart from the user-days so
-- that only the session metrics wait for sessionization.
-- A table over the session parts (the incremental base, docs/incremental.md).
{{ config(materialized='table') }}

with

parts as (

    select * from {{ ref('int_app_session_parts_aggregated') }}

),

users as (

    select * from {{ ref('stg_app__users') }}

),

-- one row per session x day x event country x event platform (the parts
-- without their hint); every slice
-- below groups these, so no count(distinct) is needed
session_parts as (

    select
        user_id,
        session_id,
        event_date as activity_date,
        coalesce(country, 'unknown') as event_country,
        coalesce(platform, 'unknown') as event_platform,
        max(max_loaded_at) as max_loaded_at
    from parts
    group by
        user_id,
        session_id,
        event_date,
        coalesce(country, 'unknown'),
        coalesce(platform, 'unknown')

),

-- one row per session x day, with the user's attributes
session_days as (

    select
        session_parts.activity_date,
        coalesce(users.age_band, 'unknown') as age_band,
        coalesce(users.acquisition_channel, 'unknown') as acquisition_channel,
        max(session_parts.max_loaded_at) as max_loaded_at
    from session_parts
    left join users
        on session_parts.user_id = users.user_id
    group by
        session_parts.session_id,
        session_parts.activity_date,
        coalesce(users.age_band, 'unknown'),
        coalesce(users.acquisition_channel, 'unknown')

),

-- session-days by the event's country and by its platform: a session is in
-- a country's slice that day if one of its events that day is
session_days_by_country as (

    select
        activity_date,
        event_country as dimension_value,
        max(max_loaded_at) as max_loaded_at
    from session_parts
    group by
        session_id,
        activity_date,
        event_country

),

session_days_by_platform as (

    select
        activity_date,
        event_platform as dimension_value,
        max(max_loaded_at) as max_loaded_at
    from session_parts
    group by
        session_id,
        activity_date,
        event_platform

),

sliced as (

    {% for dimension, value in [('all', "'all'"), ('age_band', 'age_band'),
                                ('acquisition_channel', 'acquisition_channel')] %}
        select
            activity_date,
            '{{ dimension }}' as dimension_name,
            {{ value }} as dimension_value,
            count(*) as session_count,
            max(max_loaded_at) as max_loaded_at
        from session_days
        group by
            activity_date,
            {{ value }}

        union all
    {% endfor %}
    {% for slice in ['country', 'platform'] %}
        select
            activity_date,
            '{{ slice }}' as dimension_name,
            dimension_value,
            count(*) as session_count,
            max(max_loaded_at) as max_loaded_at
        from session_days_by_{{ slice }}
        group by
            activity_date,
            dimension_value
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        activity_date,
        cast(dimension_name as {{ dbt.type_string() }}) as dimension_name,
        cast(dimension_value as {{ dbt.type_string() }}) as dimension_value,
        cast(session_count as {{ dbt.type_bigint() }}) as session_count,
        max_loaded_at
    from sliced

)

select * from final
