{#
    The rollout event study's regressor weeks: -rollout_event_weeks_before ..
    +rollout_event_weeks_after without the reference week -1 (the week
    before launch), ascending, so the pre-launch weeks come first. A list,
    for the models that estimate the event study and its bootstrap.
#}
{% macro rollout_event_weeks() %}
    {%- set event_weeks = [] %}
    {%- for week in range(-var('rollout_event_weeks_before', 4), var('rollout_event_weeks_after', 6) + 1) %}
        {%- if week != -1 %}{% do event_weeks.append(week) %}{% endif %}
    {%- endfor %}
    {{ return(event_weeks) }}
{% endmacro %}
