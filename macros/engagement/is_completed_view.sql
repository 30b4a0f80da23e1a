{#- A completed view: a video_view event watched for at least the video's
    duration (docs/engagement_and_labeling.md). Never null: false when the
    video or the watch time is missing. One definition for the sessionized
    events and the user-days. -#}
{% macro is_completed_view(event_type, watch_milliseconds, duration_seconds) -%}
    coalesce(
        {{ event_type }} = 'video_view'
        and {{ watch_milliseconds }} >= {{ duration_seconds }} * 1000,
        false
    )
{%- endmacro %}
