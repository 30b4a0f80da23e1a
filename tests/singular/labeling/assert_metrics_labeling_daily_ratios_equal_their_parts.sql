-- Invariant: every ratio of metrics_labeling_daily is its numerator / its denominator on the
-- same row (null when the denominator is 0): throughput per active hour, skip rate, gold
-- accuracy, acceptance rate, cost per accepted label, XP and badges per active labeler, quest
-- completion ratio; skip rate, gold accuracy and acceptance rate lie in [0, 1] (quests
-- completed that day may exceed those started that day). Why: the labeling core indicators
-- publish these numerators and denominators, and a BI roll-up over slices re-divides them.
-- One pass over the mart; returns each failing row, a fails_<ratio> flag per ratio.
{%- set ratios = [
    {'name': 'throughput_per_active_hour', 'numerator': 'answered_submissions',
     'denominator': 'active_minutes / 60.0'},
    {'name': 'skip_rate', 'numerator': 'skipped_submissions', 'denominator': 'submissions', 'is_share': true},
    {'name': 'gold_accuracy', 'numerator': 'gold_correct_submissions', 'denominator': 'gold_submissions',
     'is_share': true},
    {'name': 'acceptance_rate', 'numerator': 'accepted_reviews', 'denominator': 'reviews', 'is_share': true},
    {'name': 'cost_per_accepted_label_usd', 'numerator': 'payments_usd', 'denominator': 'accepted_reviews'},
    {'name': 'xp_per_active_labeler', 'numerator': 'xp', 'denominator': 'active_labelers'},
    {'name': 'badges_per_active_labeler', 'numerator': 'badges_earned', 'denominator': 'active_labelers'},
    {'name': 'quest_completion_ratio', 'numerator': 'quests_completed', 'denominator': 'quests_started'},
] %}
{%- set keys = ['metric_date', 'dimension_name', 'dimension_value'] %}
{#- numerator / denominator, null when the denominator is 0 (or the ratio's day is not observed) -#}
{%- set recomputed = {} %}
{%- for ratio in ratios %}
    {%- set quotient = 'cast(' ~ ratio.numerator ~ ' as double) / nullif(' ~ ratio.denominator ~ ', 0)' %}
    {%- do recomputed.update({
        ratio.name: 'case when ' ~ ratio.when ~ ' then ' ~ quotient ~ ' end' if ratio.when is defined else quotient
    }) %}
{%- endfor %}
with

metrics as (

    select * from {{ ref('metrics_labeling_daily') }}

),

recomputed as (

    select
        {%- for ratio in ratios %}
            {{ ratio.name }},
            {{ recomputed[ratio.name] }} as recomputed_{{ ratio.name }},
        {%- endfor %}
        {{ keys | join(', ') }}
    from metrics

),

checked as (

    select
        {%- for ratio in ratios %}
            {%- set reported, recomputed = ratio.name, 'recomputed_' ~ ratio.name %}
            coalesce(
                abs({{ reported }} - {{ recomputed }}) > 1e-9 * greatest(1, abs({{ recomputed }})),
                ({{ reported }} is null) <> ({{ recomputed }} is null)
            )
            {%- if ratio.is_share %}
                or {{ reported }} < 0
                or {{ reported }} > 1
            {%- endif %} as fails_{{ ratio.name }},
        {%- endfor %}
        {{ keys | join(', ') }}
    from recomputed

),

final as (

    select *
    from checked
    where
        fails_{{ ratios[0].name }}
        {%- for ratio in ratios[1:] %}
            or fails_{{ ratio.name }}
        {%- endfor %}

)

select * from final
