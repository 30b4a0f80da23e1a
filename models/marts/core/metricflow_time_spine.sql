-- One row per day: the time spine MetricFlow joins metrics to (cumulative
-- windows, filling days without events). Covers the simulated years with room.
with

days as (

    {{ dbt.date_spine(
        datepart="day",
        start_date="cast('2024-01-01' as date)",
        end_date="cast('2029-01-01' as date)"
    ) }}

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
