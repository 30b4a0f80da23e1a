-- One row per valid submission with its task, project pay, gold correctness,
-- first review and the labeler's rolling gold accuracy over their last 20
-- (var gold_history_size) non-skipped gold submissions up to and including
-- this one (Toloka's GoldenSetCorrectAnswersRate with history_size = 20).
with

submissions as (

    select * from {{ ref('stg_labeling__submissions') }}

),

tasks as (

    select * from {{ ref('stg_labeling__tasks') }}

),

projects as (

    select * from {{ ref('stg_labeling__projects') }}

),

reviews as (

    select * from {{ ref('stg_labeling__reviews') }}

),

first_reviews as (

    select
        submission_id,
        reviewed_at,
        is_accepted,
        row_number() over (
            partition by submission_id
            order by reviewed_at asc nulls last, review_id asc nulls last
        ) as review_rank
    from reviews

),

joined as (

    select
        submissions.submission_id,
        submissions.task_id,
        submissions.labeler_id,
        tasks.project_id,
        submissions.started_at,
        submissions.submitted_at,
        cast(submissions.submitted_at as date) as submitted_date,
        {{ seconds_between('submissions.started_at', 'submissions.submitted_at') }} as lead_seconds,
        submissions.answer,
        coalesce(submissions.is_skipped, false) as is_skipped,
        coalesce(tasks.is_gold, false) as is_gold,
        tasks.task_difficulty,
        projects.pay_per_task_usd,
        case
            when coalesce(tasks.is_gold, false) and not coalesce(submissions.is_skipped, false)
                then coalesce(submissions.answer = tasks.gold_answer, false)
        end as is_gold_correct,
        first_reviews.reviewed_at,
        first_reviews.is_accepted
    from submissions
    left join tasks
        on submissions.task_id = tasks.task_id
    left join projects
        on tasks.project_id = projects.project_id
    left join first_reviews
        on
            submissions.submission_id = first_reviews.submission_id
            and first_reviews.review_rank = 1

),

gold_sequenced as (

    select
        submission_id,
        row_number() over (
            partition by labeler_id
            order by submitted_at asc nulls last, submission_id asc nulls last
        ) as gold_sequence_number,
        sum(case when is_gold_correct then 1 else 0 end) over (
            partition by labeler_id
            order by submitted_at asc nulls last, submission_id asc nulls last
            rows between {{ var('gold_history_size', 20) - 1 }} preceding and current row
        ) as recent_gold_correct,
        count(*) over (
            partition by labeler_id
            order by submitted_at asc nulls last, submission_id asc nulls last
            rows between {{ var('gold_history_size', 20) - 1 }} preceding and current row
        ) as recent_gold_submissions
    from joined
    where is_gold_correct is not null

),

final as (

    select
        joined.*,
        cast(gold_sequenced.gold_sequence_number as {{ dbt.type_bigint() }}) as gold_sequence_number,
        cast(gold_sequenced.recent_gold_correct as {{ dbt.type_bigint() }}) as recent_gold_correct,
        cast(gold_sequenced.recent_gold_submissions as {{ dbt.type_bigint() }}) as recent_gold_submissions,
        cast(gold_sequenced.recent_gold_correct as double)
        / nullif(gold_sequenced.recent_gold_submissions, 0) as recent_gold_accuracy
    from joined
    left join gold_sequenced
        on joined.submission_id = gold_sequenced.submission_id

)

select * from final
