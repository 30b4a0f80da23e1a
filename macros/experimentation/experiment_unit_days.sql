{#- Predicate: `day` (a date expression) is a day of the pre-period or of the window of the
    unit `units` (an alias with pre_period_start_at, started_at, first_exposed_at and
    window_closes_at, null when open), the days int_experiment_unit_days_aggregated keeps. The
    two are apart for a unit exposed before its pre-period began. -#}
{% macro is_unit_analysis_day(units, day) -%}
    ({{ day }} between cast({{ units }}.pre_period_start_at as date) and cast({{ units }}.started_at as date)
    or {{ day }} >= cast({{ units }}.first_exposed_at as date)
    and ({{ units }}.window_closes_at is null or {{ day }} <= cast({{ units }}.window_closes_at as date)))
{%- endmacro %}
