-- One row per labeling project: inter-annotator agreement across all the
-- labelers of each task. Fleiss' kappa (Fleiss 1971) needs the same number
-- of raters per task, so it uses the tasks with exactly
-- var('fleiss_raters_per_task', 3) answers (not skipped, first answer per
-- labeler), as statsmodels' fleiss_kappa on the task × answer count table:
--   P_i = (sum_j n_ij^2 - n) / (n (n - 1)), P_bar = mean P_i,
--   p_j = sum_i n_ij / (N n), P_e = sum_j p_j^2,
--   kappa = (P_bar - P_e) / (1 - P_e).
-- Also the mean of the pairwise Cohen's kappas and the pooled raw agreement.
{%- set raters = var('fleiss_raters_per_task', 3) %}
with

scored as (

    select * from {{ ref('int_submissions_scored') }}
    where not is_skipped and answer is not null

),

pair_agreement as (

    select * from {{ ref('fct_labeler_pair_agreement') }}

),

projects as (

    select * from {{ ref('stg_labeling__projects') }}

),

first_answers as (

    select
        project_id,
        task_id,
        labeler_id,
        answer,
        row_number() over (
            partition by task_id, labeler_id
            order by submitted_at asc nulls last, submission_id asc nulls last
        ) as answer_rank
    from scored

),

answers as (

    select * from first_answers
    where answer_rank = 1

),

task_raters as (

    select
        task_id,
        count(*) as rater_count
    from answers
    group by task_id

),

fleiss_answers as (

    select answers.*
    from answers
    inner join task_raters
        on answers.task_id = task_raters.task_id
    where task_raters.rater_count = {{ raters }}

),

task_answer_counts as (

    select
        project_id,
        task_id,
        answer,
        count(*) as answer_count
    from fleiss_answers
    group by
        project_id,
        task_id,
        answer

),

task_agreement as (

    select
        project_id,
        task_id,
        (sum(cast(answer_count as double) * answer_count) - {{ raters }})
        / ({{ raters }} * ({{ raters }} - 1.0)) as task_agreement
    from task_answer_counts
    group by
        project_id,
        task_id

),

observed as (

    select
        project_id,
        count(*) as fleiss_tasks,
        avg(task_agreement) as mean_task_agreement
    from task_agreement
    group by project_id

),

answer_shares as (

    select
        task_answer_counts.project_id,
        task_answer_counts.answer,
        sum(task_answer_counts.answer_count) / (observed.fleiss_tasks * {{ raters }}.0) as answer_share
    from task_answer_counts
    inner join observed
        on task_answer_counts.project_id = observed.project_id
    group by
        task_answer_counts.project_id,
        task_answer_counts.answer,
        observed.fleiss_tasks

),

chance as (

    select
        project_id,
        sum(answer_share * answer_share) as chance_agreement
    from answer_shares
    group by project_id

),

pairwise as (

    select
        project_id,
        count(*) as labeler_pairs,
        avg(cohens_kappa) as mean_pairwise_cohens_kappa,
        sum(agreed_tasks) as agreed_pairs,
        sum(shared_tasks) as shared_pairs
    from pair_agreement
    group by project_id

),

final as (

    select
        projects.project_id,
        projects.task_type,
        cast(coalesce(observed.fleiss_tasks, 0) as {{ dbt.type_bigint() }}) as fleiss_tasks,
        cast({{ raters }} as {{ dbt.type_bigint() }}) as fleiss_raters_per_task,
        observed.mean_task_agreement,
        chance.chance_agreement,
        (observed.mean_task_agreement - chance.chance_agreement)
        / nullif(1 - chance.chance_agreement, 0) as fleiss_kappa,
        cast(coalesce(pairwise.labeler_pairs, 0) as {{ dbt.type_bigint() }}) as labeler_pairs,
        pairwise.mean_pairwise_cohens_kappa,
        cast(pairwise.agreed_pairs as double) / nullif(pairwise.shared_pairs, 0) as pairwise_raw_agreement
    from projects
    left join observed
        on projects.project_id = observed.project_id
    left join chance
        on projects.project_id = chance.project_id
    left join pairwise
        on projects.project_id = pairwise.project_id

)

select * from final
