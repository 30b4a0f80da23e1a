{#- The day rows of int_experiment_unit_days_aggregated (docs/experimentation.md): a unit's
    activity of a day split into its part inside the analysis window [first_exposed_at,
    window_closes_at) and the pre-period [pre_period_start_at, started_at). A day no boundary
    cuts (a boundary off midnight cuts exactly one day) lies wholly inside or outside each
    interval, so its day total counts whole; only cut days place rows one by one. The sums
    equal a row-by-row placement (python_checks/test_experiment_unit_metrics.py). -#}
{% macro unit_boundaries() -%}
    {{ return(['pre_period_start_at', 'started_at', 'first_exposed_at', 'window_closes_at']) }}
{%- endmacro %}

{#- the days a unit has rows on (pre-period and window are apart for a unit exposed before
    its pre-period began) -#}
{% macro is_unit_analysis_day(units, day) -%}
    ({{ day }} between cast({{ units }}.pre_period_start_at as date) and cast({{ units }}.started_at as date)
    or {{ day }} >= cast({{ units }}.first_exposed_at as date)
    and ({{ units }}.window_closes_at is null or {{ day }} <= cast({{ units }}.window_closes_at as date)))
{%- endmacro %}

{% macro is_unit_day_built(units, day, landed_days=none) -%}
    {%- if landed_days is none -%}
        true
    {%- else -%}
        ({{ units }}.is_rebuilt or {{ in_days_of(day, landed_days) }})
    {%- endif -%}
{%- endmacro %}

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

{#- One row per unit and activity day: cut days from the single rows, other days from the day
    totals (arguments: _experimentation__macros.yml). The two parts hold different days (a
    whole day is one no boundary cuts), so only the cut days need a group by: the day totals
    are summed per unit kind, key and day before they meet the units. -#}
{% macro unit_day_sums(units, cut_days, activity_rows, activity_days, measures, landed_days=none,
                       rows_from=none) -%}
{%- set ts = dbt.type_timestamp() -%}
with cut_day_parts as (

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
        activity._loaded_at
    from {{ cut_days }} as cut_days
    inner join {{ activity_rows }} as activity
        on cut_days.randomization_unit = activity.unit_kind
            and cut_days.unit_id = activity.activity_key
            and cut_days.activity_date = cast(activity.activity_at as date)
    {%- if rows_from is not none %}
    where activity.activity_at >= cast({{ rows_from }} as {{ ts }})
    {%- endif %}

),

day_totals as (

    select
        unit_kind,
        activity_key,
        activity_date,
        {%- for measure in measures %}
        sum({{ measure }}) as {{ measure }},
        {%- endfor %}
        max(max_loaded_at) as max_loaded_at
    from {{ activity_days }}
    group by unit_kind, activity_key, activity_date

),

-- whole days: inside [a, b) when it starts at or after a and ends (next midnight) at or
-- before b, i.e. its date is before b's
whole_days as (

    select
        units.experiment_id,
        units.unit_id,
        units.randomization_unit,
        day_totals.activity_date,
        cast(day_totals.activity_date as {{ ts }}) >= units.first_exposed_at
        and (units.window_closes_at is null or day_totals.activity_date < cast(units.window_closes_at as date))
            as is_in_window,
        cast(day_totals.activity_date as {{ ts }}) >= units.pre_period_start_at
        and day_totals.activity_date < cast(units.started_at as date) as is_in_pre_period,
        {%- for measure in measures %}
        day_totals.{{ measure }},
        {%- endfor %}
        day_totals.max_loaded_at
    from {{ units }} as units
    inner join day_totals
        on units.randomization_unit = day_totals.unit_kind
            and units.unit_id = day_totals.activity_key
            {%- for boundary in unit_boundaries() %}
            and (
                units.{{ boundary }} is null
                or day_totals.activity_date <> cast(units.{{ boundary }} as date)
                or units.{{ boundary }} = cast(cast(units.{{ boundary }} as date) as {{ ts }})
            )
            {%- endfor %}
    where
        {{ is_unit_analysis_day('units', 'day_totals.activity_date') }}
        and {{ is_unit_day_built('units', 'day_totals.activity_date', landed_days) }}

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
    max(_loaded_at) as max_loaded_at
from cut_day_parts
group by experiment_id, unit_id, randomization_unit, activity_date

union all

select
    experiment_id,
    unit_id,
    randomization_unit,
    activity_date,
    {%- for measure in measures %}
    cast(case when is_in_window then {{ measure }} else 0 end as double) as {{ measure }}_in_window,
    cast(case when is_in_pre_period then {{ measure }} else 0 end as double) as {{ measure }}_pre_period,
    {%- endfor %}
    max_loaded_at
from whole_days
{%- endmacro %}
