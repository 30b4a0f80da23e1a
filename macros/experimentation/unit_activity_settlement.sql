{#-
    The settled days of int_experiment_unit_activity_summed (docs/incremental.md, "Experiment
    unit sums"). A unit's sums are split at a date, `settled_before`: the part on earlier
    days is kept from run to run, the part from that day on is summed again. Every activity
    row that can change lands on a day the next run sums again, because that day is the
    earliest day of an activity row that landed inside the lookback window.
-#}

{#- The four timestamps that bound a unit's window [first_exposed_at, window_end_at) and
    pre-period [pre_period_start_at, started_at). -#}
{% macro unit_interval_boundaries() -%}
    {{ return(['pre_period_start_at', 'started_at', 'first_exposed_at', 'window_end_at']) }}
{%- endmacro %}


{#- The activity the unit sums read, as [staged relation, time column of the day a row
    counts on]. A click counts on its impression's day (see below). Videos, tasks and users
    need no entry: a row whose parent has not landed waits in quarantine and is staged with
    its own _loaded_at. -#}
{% macro experiment_activity_sources() -%}
    {{ return([
        [ref('stg_app__events'), 'event_at'],
        [ref('stg_ads__impressions'), 'shown_at'],
        [ref('stg_ads__clicks'), 'clicked_at'],
        [ref('stg_trust_safety__reports'), 'reported_at'],
        [ref('stg_labeling__submissions'), 'submitted_at']
    ]) }}
{%- endmacro %}


{#- SQL: the landing time the next run counts its lookback window back from. The
    earliest of the sources' newest _loaded_at, so that the window covers each source's own
    lookback (tables land at different times; a source with no rows does not count). -#}
{% macro experiment_activity_loaded_through() -%}
    (select min(newest) from (
    {%- for source in experiment_activity_sources() %}
        select max(_loaded_at) as newest from {{ source[0] }}
        {{- ' union all' if not loop.last }}
    {%- endfor %}
    ) as sources)
{%- endmacro %}


{#- SQL query of one date: the earliest day of an activity row that landed after
    `landed_after` (a timestamp expression), by the day it counts on; null when none did.
    A click counts on its impression's day. -#}
{% macro earliest_experiment_activity_day(landed_after) -%}
    select min(activity_date) from (
    {%- for source in experiment_activity_sources() %}
        select min(cast({{ source[1] }} as date)) as activity_date
        from {{ source[0] }}
        where _loaded_at > {{ landed_after }}
        union all
    {%- endfor %}
        select min(cast(impressions.shown_at as date)) as activity_date
        from {{ ref('stg_ads__clicks') }} as clicks
        inner join {{ ref('stg_ads__impressions') }} as impressions
            on clicks.impression_id = impressions.impression_id
        where clicks._loaded_at > {{ landed_after }}
    ) as landed
{%- endmacro %}


{#- Predicate: the sums a unit (`units`) had in the previous run (`previous`) on the days
    before `settled_before` (a date) still hold: it was summed then, and none of its four
    boundaries moved across that day's midnight, which is when a day before it changes
    interval (a window end moving from one later day to another, as the end of data does
    every day, leaves them alone). -#}
{% macro unit_settled_sums_hold(units, previous, settled_before) -%}
    {%- set midnight = 'cast(' ~ settled_before ~ ' as ' ~ dbt.type_timestamp() ~ ')' -%}
    {{ previous }}.unit_id is not null
    {%- for boundary in unit_interval_boundaries() %}
    and (
        {{ units }}.{{ boundary }} = {{ previous }}.{{ boundary }}
        or ({{ units }}.{{ boundary }} >= {{ midnight }} and {{ previous }}.{{ boundary }} >= {{ midnight }})
    )
    {%- endfor %}
{%- endmacro %}


{#- Config of int_experiment_unit_activity_summed: DuckDB, incremental, the run's rows
    replacing the table (replace_all); Spark, a table. -#}
{% macro unit_activity_config() -%}
    {%- if target.type == 'spark' -%}
        {{ return({'materialized': 'table'}) }}
    {%- else -%}
        {{ return({'materialized': 'incremental', 'incremental_strategy': 'replace_all',
                   'on_schema_change': 'fail'}) }}
    {%- endif -%}
{%- endmacro %}


{#- Query of one row: the earliest day of activity rows (rows_from) and of day totals
    (days_from) that the units of `units_sql` (with read_from_date) need, and how many of
    them keep their settled sums (units_kept) of how many (units). A unit whose sums
    are read from a day needs nothing earlier; another needs the day totals from the first
    day of its intervals, and rows on the days a boundary off midnight cuts. Null: none. -#}
{% macro unit_read_bounds(units_sql) -%}
    {%- set ts = dbt.type_timestamp() -%}
    with units as (
        {{ units_sql }}
    )
    select
        least(
            min(read_from_date),
            min(case when read_from_date is null then least(
                {%- for boundary in unit_interval_boundaries() %}
                case when {{ boundary }} <> cast(cast({{ boundary }} as date) as {{ ts }})
                    then cast({{ boundary }} as date) end{{ ',' if not loop.last }}
                {%- endfor %}
            ) end)
        ) as rows_from,
        min(coalesce(read_from_date, least(cast(pre_period_start_at as date), cast(first_exposed_at as date))))
            as days_from,
        count(read_from_date) as units_kept,
        count(*) as units,
        min(read_from_date) as kept_before
    from units
{%- endmacro %}


{#- Query: the analysed units of int_experiment_exposures_deduplicated (one variant, first
    exposed inside [started_at, ended_at), as in int_experiment_unit_metrics_computed) with
    the day their sums are read from, read_from_date: `previous_split` (a date) for a unit
    whose settled sums in the previous table hold, when `reusable` (a predicate) is true;
    null (every day) for the others, and for all on a full build (previous_split none). -#}
{% macro experiment_units_to_sum(previous_split, reusable) -%}
select
    exposed.experiment_id,
    exposed.unit_id,
    exposed.randomization_unit,
    exposed.pre_period_start_at,
    exposed.started_at,
    exposed.first_exposed_at,
    exposed.window_end_at,
    {%- if previous_split is not none %}
    case
        when {{ unit_settled_sums_hold('exposed', 'previous', previous_split) }} and {{ reusable }}
            then {{ previous_split }}
    end as read_from_date
    {%- else %}
    cast(null as date) as read_from_date
    {%- endif %}
from {{ ref('int_experiment_exposures_deduplicated') }} as exposed
{%- if previous_split is not none %}
left join {{ this }} as previous
    on exposed.experiment_id = previous.experiment_id
        and exposed.unit_id = previous.unit_id
{%- endif %}
where not exposed.is_in_multiple_variants and not exposed.is_outside_window
{%- endmacro %}
