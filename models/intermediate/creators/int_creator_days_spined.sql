-- One row per staged creator and UTC day of the data window (the days with
-- valid app events), whether or not the creator was registered yet: the dense
-- panel that creator-day facts and the rollout difference-in-differences use.
with

creators as (

    select * from {{ ref('stg_creators__creators') }}

),

events as (

    select * from {{ ref('stg_app__events') }}

),

window_days as (

    select distinct cast(event_at as date) as activity_date
    from events

),

final as (

    select
        creators.creator_id,
        window_days.activity_date,
        creators.country,
        creators.registered_at,
        creators.registered_at < cast(window_days.activity_date as timestamp) as is_registered_before_day
    from creators
    cross join window_days

)

select * from final
