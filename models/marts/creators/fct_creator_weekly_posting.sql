-- One row per staged creator and week (Monday start, UTC) of the data window:
-- posting cadence = videos published and distinct posting days in the week.
-- Weeks at the window's edges are partial (days_in_window).
with

creator_days as (

    select * from {{ ref('fct_creator_daily') }}

),

final as (

    select
        creator_id,
        {{ dbt.date_trunc('week', 'activity_date') }} as activity_week,
        max(country) as country,
        cast(count(*) as {{ dbt.type_bigint() }}) as days_in_window,
        cast(sum(case when is_registered_before_day then 1 else 0 end) as {{ dbt.type_bigint() }})
            as registered_days,
        cast(sum(videos_published) as {{ dbt.type_bigint() }}) as videos_published,
        cast(sum(case when is_posting then 1 else 0 end) as {{ dbt.type_bigint() }}) as posting_days,
        sum(videos_published) > 0 as is_posting_week
    from creator_days
    group by
        creator_id,
        {{ dbt.date_trunc('week', 'activity_date') }}

)

select * from final
