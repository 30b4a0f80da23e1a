{#
    unit_interval_sums(units, activity, activity_key, activity_at, measures, activity_days=none)

    A select with one row per experiment_id x unit_id of `units` that has activity, and for each
    measure m its sum over the unit's analysis window, `m_in_window`
    ([first_exposed_at, window_end_at)), and over its pre-period, `m_pre_period`
    ([pre_period_start_at, started_at)).

    `units` is a relation or CTE with experiment_id, unit_id and those four timestamps;
    `activity` has `activity_key` (joined to unit_id), the timestamp `activity_at` and the
    numeric `measures` (non-null: 0 where a row does not count).

    Why not join every activity row to every unit it falls in: a user is in several experiments
    at once, so that join had several times the rows of the activity. Activity is summed per key and day
    instead. A day that none of the unit's four timestamps cuts (a timestamp not at midnight lies
    inside exactly one day) is wholly inside or wholly outside each interval, so its day total
    counts as a whole. Only on the cut days are rows placed one by one by their timestamp.
    The sums are the same as the row-by-row join.

    `activity_days`, optional: a relation or CTE that already holds those day totals (columns
    activity_key, activity_date and the measures, one row per key and day, the same sums as
    `activity` rolled up by the date of `activity_at`), e.g. an incremental daily model. Only
    the cut days then read `activity` row by row.

    Part of the days only (an incremental run, int_experiment_unit_activity_summed): with
    `split` (a date) the units need a date column `read_from_date`; a unit's sums then cover
    the days from it on (all days where it is null), and each measure also gets
    `m_in_window_before_split` and `m_pre_period_before_split`, the part on days before
    `split`. `rows_from` and `days_from` (date constants, or none) are lower bounds of the
    days that are read, of `activity` and of `activity_days`: on a constant the scans skip
    the older row groups. Each must be at or before every day a unit needs from that input.
    `kept_from` (a date constant): every unit with a read_from_date reads from that day; the
    whole-day totals are then joined to those units from that day on only (a scan that skips
    the older days), and to the others in full.
#}
{% macro unit_interval_sums(units, activity, activity_key, activity_at, measures, activity_days=none,
                            split=none, rows_from=none, days_from=none, kept_from=none) -%}
{%- set boundaries = unit_interval_boundaries() -%}
{%- set ts = dbt.type_timestamp() -%}
with

-- the days a unit's boundary cuts in two: its date, unless it falls on midnight
cut_days as (

    {%- for boundary in boundaries %}
    {%- if not loop.first %}

    union

    {% endif %}
    select
        experiment_id,
        unit_id,
        {{ boundaries | join(',\n        ') }},
        cast({{ boundary }} as date) as activity_date
    from {{ units }}
    where
        {{ boundary }} <> cast(cast({{ boundary }} as date) as {{ ts }})
        {%- if split is not none %}
        and (read_from_date is null or cast({{ boundary }} as date) >= read_from_date)
        {%- endif %}
    {%- endfor %}

),

activity_days as (

    {%- if activity_days is not none %}

    select * from {{ activity_days }}
    {%- if days_from is not none %}
    where activity_date >= {{ days_from }}
    {%- endif %}
    {%- else %}

    select
        {{ activity_key }} as activity_key,
        cast({{ activity_at }} as date) as activity_date,
        {%- for measure in measures %}
        sum({{ measure }}) as {{ measure }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from {{ activity }}
    {%- if days_from is not none %}
    where {{ activity_at }} >= cast({{ days_from }} as {{ ts }})
    {%- endif %}
    group by {{ activity_key }}, cast({{ activity_at }} as date)
    {%- endif %}

),

parts as (

    -- rows on cut days, each placed by its timestamp
    select
        cut_days.experiment_id,
        cut_days.unit_id,
        cut_days.first_exposed_at <= activity.{{ activity_at }}
        and cut_days.window_end_at > activity.{{ activity_at }} as is_in_window,
        cut_days.pre_period_start_at <= activity.{{ activity_at }}
        and cut_days.started_at > activity.{{ activity_at }} as is_in_pre_period,
        {%- if split is not none %}
        cut_days.activity_date < {{ split }} as is_before_split,
        {%- endif %}
        {%- for measure in measures %}
        activity.{{ measure }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from cut_days
    inner join {{ activity }} as activity
        on cut_days.unit_id = activity.{{ activity_key }}
            and cut_days.activity_date = cast(activity.{{ activity_at }} as date)
    {%- if rows_from is not none %}
    where activity.{{ activity_at }} >= cast({{ rows_from }} as {{ ts }})
    {%- endif %}

    union all

    {#- with kept_from, the units that read from a day join only the day totals from
        kept_from on (a constant: the scan skips older days), the others all of them #}
    {%- set branches = [['read_from_date is null', none], ['read_from_date is not null', kept_from]]
                       if kept_from is not none else [[none, none]] %}
    {%- for unit_filter, branch_from in branches %}
    {%- if not loop.first %}

    union all
    {% endif %}

    -- whole days: a day counts for an interval [a, b) when it lies entirely
    -- inside it: it starts at or after a, and it ends (the next midnight) at
    -- or before b, i.e. it is before b's date
    select
        units.experiment_id,
        units.unit_id,
        cast(activity_days.activity_date as {{ ts }}) >= units.first_exposed_at
        and activity_days.activity_date < cast(units.window_end_at as date) as is_in_window,
        cast(activity_days.activity_date as {{ ts }}) >= units.pre_period_start_at
        and activity_days.activity_date < cast(units.started_at as date) as is_in_pre_period,
        {%- if split is not none %}
        activity_days.activity_date < {{ split }} as is_before_split,
        {%- endif %}
        {%- for measure in measures %}
        activity_days.{{ measure }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from {{ units }} as units
    inner join activity_days
        on units.unit_id = activity_days.activity_key
            -- the days of either interval (a unit exposed before its pre-period
            -- began, or whose window ends before the start, has them apart)
            and activity_days.activity_date >= least(cast(units.pre_period_start_at as date),
                                                     cast(units.first_exposed_at as date))
            and activity_days.activity_date <= greatest(cast(units.window_end_at as date),
                                                        cast(units.started_at as date))
            {%- if split is not none %}
            and (units.read_from_date is null or activity_days.activity_date >= units.read_from_date)
            {%- endif %}
            {%- if unit_filter is not none %}
            and units.{{ unit_filter }}
            {%- endif %}
            {%- if branch_from is not none %}
            and activity_days.activity_date >= {{ branch_from }}
            {%- endif %}
            {%- for boundary in boundaries %}
            and (
                activity_days.activity_date <> cast(units.{{ boundary }} as date)
                or units.{{ boundary }} = cast(cast(units.{{ boundary }} as date) as {{ ts }})
            )
            {%- endfor %}
    {%- endfor %}

)

select
    experiment_id,
    unit_id,
    {%- for measure in measures %}
    sum(case when is_in_window then {{ measure }} else 0 end) as {{ measure }}_in_window,
    sum(case when is_in_pre_period then {{ measure }} else 0 end) as {{ measure }}_pre_period
    {%- if split is not none %},
    sum(case when is_in_window and is_before_split then {{ measure }} else 0 end)
        as {{ measure }}_in_window_before_split,
    sum(case when is_in_pre_period and is_before_split then {{ measure }} else 0 end)
        as {{ measure }}_pre_period_before_split
    {%- endif %}
    {{- "," if not loop.last }}
    {%- endfor %}
from parts
group by experiment_id, unit_id
{%- endmacro %}
