-- One row per cohort week of creators' first removal in the data: how many
-- of those creators had another video removed within 90 days of their first
-- removal (var risk_repeat_window_days). Cohorts younger than the window are
-- still open: is_window_complete tells whether every creator of the cohort
-- has been observed for the full window (data end = last moderation decision).
{%- set window_days = var('risk_repeat_window_days', 90) %}
with

removals as (

    select * from {{ ref('fct_video_removals') }}

),

decisions as (

    select * from {{ ref('stg_trust_safety__moderation_decisions') }}

),

data_end as (

    select max(decided_at) as observed_until
    from decisions

),

ranked as (

    select
        creator_id,
        removed_at,
        row_number() over (
            partition by creator_id
            order by removed_at asc nulls last, video_id asc nulls last
        ) as removal_number
    from removals
    where creator_id is not null

),

creator_removals as (

    select
        first_removal.creator_id,
        first_removal.removed_at as first_removed_at,
        min(later_removal.removed_at) as next_removed_at
    from ranked as first_removal
    left join ranked as later_removal
        on
            first_removal.creator_id = later_removal.creator_id
            and later_removal.removal_number > 1
    where first_removal.removal_number = 1
    group by first_removal.creator_id, first_removal.removed_at

),

flagged as (

    select
        creator_removals.creator_id,
        cast({{ dbt.date_trunc('week', 'creator_removals.first_removed_at') }} as date) as cohort_week,
        coalesce(
            creator_removals.next_removed_at
            <= {{ dbt.dateadd('day', window_days, 'creator_removals.first_removed_at') }},
            false
        ) as is_repeat_offender,
        data_end.observed_until
        >= {{ dbt.dateadd('day', window_days, 'creator_removals.first_removed_at') }} as is_fully_observed
    from creator_removals
    cross join data_end

),

final as (

    select
        cohort_week,
        cast(count(*) as {{ dbt.type_bigint() }}) as creators_removed,
        cast(sum(case when is_repeat_offender then 1 else 0 end) as {{ dbt.type_bigint() }})
            as repeat_offenders,
        cast(
            sum(case when is_repeat_offender then 1 else 0 end) / nullif(count(*), 0) as double
        ) as repeat_offender_rate,
        {{ window_days }} as window_days,
        min(case when is_fully_observed then 1 else 0 end) = 1 as is_window_complete
    from flagged
    group by cohort_week

)

select * from final
