-- One row per labeler × UTC day with at least one answered (non-skipped)
-- submission, with the streak it belongs to: consecutive calendar days with
-- an answer (Duolingo's streak, without freezes). A missed day breaks the
-- streak; the next active day starts a new one at day 1.
with

labeler_days as (

    select * from {{ ref('int_labeler_days_aggregated') }}
    where answered_submissions > 0

),

numbered as (

    select
        labeler_id,
        activity_date,
        row_number() over (
            partition by labeler_id
            order by activity_date asc nulls last
        ) as active_day_number
    from labeler_days

),

islands as (

    select
        labeler_id,
        activity_date,
        active_day_number,
        {{ add_days('activity_date', '-1 * active_day_number') }} as streak_anchor_date
    from numbered

),

final as (

    select
        labeler_id,
        activity_date,
        cast(active_day_number as {{ dbt.type_bigint() }}) as active_day_number,
        min(activity_date) over (
            partition by labeler_id, streak_anchor_date
        ) as streak_started_on,
        cast(row_number() over (
            partition by labeler_id, streak_anchor_date
            order by activity_date asc nulls last
        ) as {{ dbt.type_bigint() }}) as streak_day_number,
        cast(count(*) over (
            partition by labeler_id, streak_anchor_date
        ) as {{ dbt.type_bigint() }}) as streak_length_days
    from islands

)

select * from final
