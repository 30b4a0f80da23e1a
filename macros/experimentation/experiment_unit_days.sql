{#-
    The day rows of int_experiment_unit_days_aggregated: each experiment unit's activity of a
    day, split into the part inside its analysis window [first_exposed_at, window_closes_at)
    and inside its pre-period [pre_period_start_at, started_at) (docs/experimentation.md).
    A day that none of the four boundaries cuts (a boundary off midnight lies inside exactly
    one day) is wholly inside or outside each interval, so its day total counts whole; only
    the cut days place activity rows one by one. The sums are those of the row-by-row
    placement (python_checks/test_experiment_unit_metrics.py, on synthetic boundaries).
    `units`: experiment_id, unit_id, randomization_unit and the four boundaries
    (window_closes_at null: the window is open), and is_rebuilt when `landed_days` is given.
-#}

{% macro unit_boundaries() -%}
    {{ return(['pre_period_start_at', 'started_at', 'first_exposed_at', 'window_closes_at']) }}
{%- endmacro %}


{#- Predicate: `day` (a date expression) is a day of the pre-period or of the window of the
    unit `units`, the days a unit has rows on (the two are apart for a unit exposed before its
    pre-period began). -#}
{% macro is_unit_analysis_day(units, day) -%}
    ({{ day }} between cast({{ units }}.pre_period_start_at as date) and cast({{ units }}.started_at as date)
    or {{ day }} >= cast({{ units }}.first_exposed_at as date)
    and ({{ units }}.window_closes_at is null or {{ day }} <= cast({{ units }}.window_closes_at as date)))
{%- endmacro %}


{#- Predicate of the unit days a run builds: every day of a unit with is_rebuilt, the
    `landed_days` (a select of dates) of the others; true without `landed_days`. -#}
{% macro is_unit_day_built(units, day, landed_days=none) -%}
    {%- if landed_days is none -%}
        true
    {%- else -%}
        ({{ units }}.is_rebuilt or {{ in_days_of(day, landed_days) }})
    {%- endif -%}
{%- endmacro %}


{#- Query: the days of `units` that one of their boundaries cuts in two (its date, unless it
    falls on midnight), with the units' columns, among the days built. -#}
{% macro unit_cut_days(units, landed_days=none) -%}
    {%- for boundary in unit_boundaries() %}
    {%- set day = 'cast(' ~ units ~ '.' ~ boundary ~ ' as date)' %}
    {%- if not loop.first %}
    union
    {% endif %}
    select
        {{ units }}.*,
        {{ day }} as activity_date
    from {{ units }}
    where
        {{ units }}.{{ boundary }} <> cast({{ day }} as {{ dbt.type_timestamp() }})
        and {{ is_unit_analysis_day(units, day) }}
        and {{ is_unit_day_built(units, day, landed_days) }}
    {%- endfor %}
{%- endmacro %}


{#- Query: one row per experiment_id x unit_id x activity_date of `units` with activity, each
    measure summed into <measure>_in_window and <measure>_pre_period, and max_loaded_at.
    `cut_days`: unit_cut_days() of the same units; `activity_rows`: unit_kind (joined to
    randomization_unit), activity_key (to unit_id), activity_at, the measures and _loaded_at;
    `activity_days`: the same per unit_kind, activity_key and activity_date (max_loaded_at),
    one or more rows per key and day. `rows_from` (a date constant or none): no cut day is
    earlier, the scan of the activity rows starts there. -#}
{% macro unit_day_sums(units, cut_days, activity_rows, activity_days, measures, landed_days=none,
                       rows_from=none) -%}
{%- set ts = dbt.type_timestamp() -%}
-- materialized: inlined, the group by over the union took three times as long (DuckDB 2.0)
with parts as {{ materialized() }} (

    -- the rows of a cut day, each placed by its timestamp
    select
        cut_days.experiment_id,
        cut_days.unit_id,
        cut_days.randomization_unit,
        cut_days.activity_date,
        activity.activity_at >= cut_days.first_exposed_at
        and (cut_days.window_closes_at is null or activity.activity_at < cut_days.window_closes_at)
            as is_in_window,
        activity.activity_at >= cut_days.pre_period_start_at
        and activity.activity_at < cut_days.started_at as is_in_pre_period,
        {%- for measure in measures %}
        activity.{{ measure }},
        {%- endfor %}
        activity._loaded_at as max_loaded_at
    from {{ cut_days }} as cut_days
    inner join {{ activity_rows }} as activity
        on cut_days.randomization_unit = activity.unit_kind
            and cut_days.unit_id = activity.activity_key
            and cut_days.activity_date = cast(activity.activity_at as date)
    {%- if rows_from is not none %}
    where activity.activity_at >= cast({{ rows_from }} as {{ ts }})
    {%- endif %}

    union all

    -- whole days: a day counts for an interval [a, b) when it lies entirely inside it: it
    -- starts at or after a, and it ends (the next midnight) at or before b, i.e. it is
    -- before b's date
    select
        units.experiment_id,
        units.unit_id,
        units.randomization_unit,
        activity_days.activity_date,
        cast(activity_days.activity_date as {{ ts }}) >= units.first_exposed_at
        and (units.window_closes_at is null or activity_days.activity_date < cast(units.window_closes_at as date))
            as is_in_window,
        cast(activity_days.activity_date as {{ ts }}) >= units.pre_period_start_at
        and activity_days.activity_date < cast(units.started_at as date) as is_in_pre_period,
        {%- for measure in measures %}
        activity_days.{{ measure }},
        {%- endfor %}
        activity_days.max_loaded_at
    from {{ units }} as units
    inner join {{ activity_days }} as activity_days
        on units.randomization_unit = activity_days.unit_kind
            and units.unit_id = activity_days.activity_key
            {%- for boundary in unit_boundaries() %}
            and (
                units.{{ boundary }} is null
                or activity_days.activity_date <> cast(units.{{ boundary }} as date)
                or units.{{ boundary }} = cast(cast(units.{{ boundary }} as date) as {{ ts }})
            )
            {%- endfor %}
    where
        {{ is_unit_analysis_day('units', 'activity_days.activity_date') }}
        and {{ is_unit_day_built('units', 'activity_days.activity_date', landed_days) }}

)

select
    experiment_id,
    unit_id,
    randomization_unit,
    activity_date,
    {%- for measure in measures %}
    cast(sum(case when is_in_window then {{ measure }} else 0 end) as double) as {{ measure }}_in_window,
    cast(sum(case when is_in_pre_period then {{ measure }} else 0 end) as double) as {{ measure }}_pre_period,
    {%- endfor %}
    max(max_loaded_at) as max_loaded_at
from parts
group by experiment_id, unit_id, randomization_unit, activity_date
{%- endmacro %}
