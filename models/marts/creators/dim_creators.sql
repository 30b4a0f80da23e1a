-- One row per staged creator: PGC vs UGC, tier, category, country,
-- verification, rewards enrollment and the program's launch in their country.
with

creators as (

    select * from {{ ref('stg_creators__creators') }}

),

enrollments as (

    select * from {{ ref('stg_creators__rewards_enrollments') }}

),

rollouts as (

    select * from {{ ref('stg_creators__program_rollouts') }}

),

videos as (

    select * from {{ ref('stg_app__videos') }}

),

enrollment_summary as (

    select
        creator_id,
        min(enrolled_at) as first_enrolled_at,
        max(case when left_at is null then 1 else 0 end) as has_open_enrollment,
        max(left_at) as last_left_at
    from enrollments
    where program = 'creator_rewards'
    group by creator_id

),

video_summary as (

    select
        creator_id,
        min(published_at) as first_video_published_at,
        cast(count(*) as {{ dbt.type_bigint() }}) as videos_published_total
    from videos
    group by creator_id

),

final as (

    select
        creators.creator_id,
        creators.creator_type,
        creators.creator_type = 'pgc' as is_pgc,
        creators.creator_tier,
        creators.primary_category,
        creators.country,
        creators.verified_at,
        creators.verified_at is not null as is_verified,
        creators.registered_at,
        rollouts.launched_on as rewards_launched_on,
        enrollment_summary.first_enrolled_at as rewards_enrolled_at,
        enrollment_summary.first_enrolled_at is not null as has_enrolled_in_rewards,
        coalesce(enrollment_summary.has_open_enrollment = 1, false) as is_enrolled_in_rewards,
        case
            when enrollment_summary.has_open_enrollment = 0 then enrollment_summary.last_left_at
        end as rewards_left_at,
        video_summary.first_video_published_at,
        coalesce(video_summary.videos_published_total, 0) as videos_published_total
    from creators
    left join enrollment_summary
        on creators.creator_id = enrollment_summary.creator_id
    left join rollouts
        on
            creators.country = rollouts.country
            and rollouts.program = 'creator_rewards'
    left join video_summary
        on creators.creator_id = video_summary.creator_id

)

select * from final
