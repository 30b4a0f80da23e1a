{#
    SQL timestamp: the latest `_loaded_at` a run trusts, its own clock
    (dbt's run_started_at, UTC) plus var('landing_clock_skew_hours'). A row
    that claims to have landed later comes from a loader with a wrong clock:
    staging quarantines it (`future_timestamp:_loaded_at`) and no incremental
    window is counted back from it (incremental_lookback_start()), so one such
    row cannot move the high-water mark past every later night's rows. Once
    the clock passes it, the row is inside every window and is classified
    again. var('landing_clock') replaces run_started_at (a test, or a backfill
    of a landing zone written with future dates): 'YYYY-MM-DD HH:MM:SS' UTC.
#}
{% macro landing_clock() -%}
    {%- set override = var('landing_clock', none) -%}
    {%- if override is not none -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}:[0-9]{2})?', override | string) -%}
            {{ exceptions.raise_compiler_error("var landing_clock must be 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS' (UTC), got a value that is neither") }}
        {%- endif -%}
        {%- set clock = modules.datetime.datetime.fromisoformat(override | string) -%}
    {%- else -%}
        {%- set clock = run_started_at.replace(tzinfo=none) -%}
    {%- endif -%}
    {%- set trusted_until = clock + modules.datetime.timedelta(hours=var('landing_clock_skew_hours', 1)) -%}
    cast('{{ trusted_until.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
