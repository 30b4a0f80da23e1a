-- Daily health digest: for the latest day (or var digest_date), every core
-- indicator flagged as anomalous, worst first, with its top drivers by
-- country and by platform, one readable line each. Compile and run:
--   dbt compile --select daily_health_digest, then run the SQL in
--   target/compiled/.../analyses/daily_health_digest.sql (or read the
--   published Parquet files with the same query in any DuckDB client).
{% set top_drivers = var('digest_top_drivers', 3) %}
with

anomalies as (

    select * from {{ ref('fct_indicator_anomalies') }}

),

drivers as (

    select * from {{ ref('fct_indicator_change_drivers') }}

),

indicator_catalog as (

    select * from {{ ref('core_indicator_catalog') }}

),

digest_day as (

    {% if var('digest_date', none) %}
        select cast('{{ var("digest_date") }}' as date) as metric_date
    {% else %}
        select max(metric_date) as metric_date
        from anomalies
    {% endif %}

),

flagged as (

    select anomalies.*
    from anomalies
    inner join digest_day
        on anomalies.metric_date = digest_day.metric_date
    where anomalies.is_anomaly

),

top_drivers as (

    select
        drivers.metric_date,
        drivers.metric_name,
        drivers.dimension_name,
        drivers.driver_rank,
        drivers.dimension_value
        || ' ('
        || case when drivers.contribution >= 0 then '+' else '' end
        || cast(round(drivers.contribution, 4) as string)
        || case
            when drivers.metric_kind = 'ratio'
                then
                    ': rate ' || cast(round(drivers.rate_effect, 4) as string)
                    || ', mix ' || cast(round(drivers.mix_effect, 4) as string)
            else ''
        end
        || ')' as driver_text
    from drivers
    inner join digest_day
        on drivers.metric_date = digest_day.metric_date
    where drivers.driver_rank <= {{ top_drivers }}

),

driver_lists as (

    select
        metric_date,
        metric_name,
        dimension_name,
        {{ dbt.listagg('driver_text', "'; '", 'order by driver_rank') }} as drivers
    from top_drivers
    group by
        metric_date,
        metric_name,
        dimension_name

),

final as (

    select
        flagged.metric_date,
        flagged.domain,
        flagged.metric_name,
        flagged.dimension_name,
        flagged.dimension_value,
        flagged.anomaly_direction,
        flagged.change_assessment,
        round(flagged.anomaly_score, 2) as anomaly_score,
        flagged.metric_name
        || case
            when flagged.dimension_name = 'all' then ''
            else ' [' || flagged.dimension_name || '=' || flagged.dimension_value || ']'
        end
        || ' ' || flagged.anomaly_direction
        || ' (' || flagged.change_assessment || '): '
        || cast(round(flagged.value, 4) as string)
        -- money indicators are scored on winsorised revenue: show both
        || case
            when flagged.detection_value = flagged.value then ''
            else ' (winsorised ' || cast(round(flagged.detection_value, 4) as string) || ')'
        end
        || ' vs expected ' || cast(round(flagged.expected_value, 4) as string)
        || ' ('
        || case when flagged.detection_value >= flagged.expected_value then '+' else '' end
        || cast(round(100 * (flagged.detection_value / nullif(flagged.expected_value, 0) - 1), 1) as string)
        || '%, score ' || cast(round(flagged.anomaly_score, 1) as string) || ')'
        || ' | owner ' || indicator_catalog.owner
        || ' | top drivers by country: ' || coalesce(by_country.drivers, 'n/a')
        || ' | by platform: ' || coalesce(by_platform.drivers, 'n/a') as digest_line
    from flagged
    inner join indicator_catalog
        on flagged.metric_name = indicator_catalog.metric_name
    left join driver_lists as by_country
        on
            flagged.metric_date = by_country.metric_date
            and flagged.metric_name = by_country.metric_name
            and by_country.dimension_name = 'country'
    left join driver_lists as by_platform
        on
            flagged.metric_date = by_platform.metric_date
            and flagged.metric_name = by_platform.metric_name
            and by_platform.dimension_name = 'platform'

)

select * from final
order by abs(anomaly_score) desc nulls last, metric_name asc nulls last
