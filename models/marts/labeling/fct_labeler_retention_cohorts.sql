{%- set retention_days = [1, 7, 28] -%}
-- One row per join day × slice (all, labeler_tier, country): labeler
-- retention D1 / D7 / D28, "on day N" = an answered submission on the UTC
-- calendar day joined_date + N, "on or after day N" = on any later day up to
-- the data end. Only labelers who joined inside the data window (earlier
-- joiners' early days are not observed).
with

labelers as (

    select * from {{ ref('stg_labeling__labelers') }}

),

labeler_days as (

    select * from {{ ref('int_labeler_days_aggregated') }}
    where answered_submissions > 0

),

bounds as (

    select
        min(activity_date) as first_date,
        max(activity_date) as last_date
    from labeler_days

),

cohort as (

    select
        labelers.labeler_id,
        cast(labelers.joined_at as date) as joined_date,
        coalesce(labelers.labeler_tier, 'unknown') as labeler_tier,
        coalesce(labelers.country, 'unknown') as country
    from labelers
    cross join bounds
    where cast(labelers.joined_at as date) between bounds.first_date and bounds.last_date

),

cohort_days as (

    select
        cohort.labeler_id,
        cohort.joined_date,
        cohort.labeler_tier,
        cohort.country,
        {{ days_between('cohort.joined_date', 'labeler_days.activity_date') }} as days_since_join
    from cohort
    left join labeler_days
        on cohort.labeler_id = labeler_days.labeler_id

),

flags as (

    select
        labeler_id,
        joined_date,
        labeler_tier,
        country,
        {%- for n in retention_days %}
            max(case when days_since_join = {{ n }} then 1 else 0 end) as is_active_on_day_{{ n }},
            max(case when days_since_join >= {{ n }} then 1 else 0 end) as is_active_on_or_after_day_{{ n }},
        {%- endfor %}
        count(*) as cohort_rows
    from cohort_days
    group by
        labeler_id,
        joined_date,
        labeler_tier,
        country

),

sliced as (

    select
        *,
        'all' as dimension_name,
        'all' as dimension_value
    from flags
    union all
    select
        *,
        'labeler_tier' as dimension_name,
        labeler_tier as dimension_value
    from flags
    union all
    select
        *,
        'country' as dimension_name,
        country as dimension_value
    from flags

),

final as (

    select
        sliced.joined_date,
        sliced.dimension_name,
        sliced.dimension_value,
        cast(count(*) as {{ dbt.type_bigint() }}) as cohort_labelers,
        {%- for n in retention_days %}
            cast(sum(sliced.is_active_on_day_{{ n }}) as {{ dbt.type_bigint() }}) as retained_on_day_{{ n }}_labelers,
            cast(sum(sliced.is_active_on_or_after_day_{{ n }}) as {{ dbt.type_bigint() }})
                as retained_on_or_after_day_{{ n }}_labelers,
            cast(sum(sliced.is_active_on_day_{{ n }}) as double) / nullif(count(*), 0) as retention_on_day_{{ n }},
            cast(sum(sliced.is_active_on_or_after_day_{{ n }}) as double) / nullif(count(*), 0)
                as retention_on_or_after_day_{{ n }},
            {{ add_days('sliced.joined_date', n) }} <= max(bounds.last_date) as is_day_{{ n }}_complete,
        {%- endfor %}
        max(bounds.last_date) as observed_through_date
    from sliced
    cross join bounds
    group by
        sliced.joined_date,
        sliced.dimension_name,
        sliced.dimension_value

)

select * from final
