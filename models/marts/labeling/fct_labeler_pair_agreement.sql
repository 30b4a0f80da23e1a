-- One row per project × pair of labelers who both answered (not skipped) at
-- least one common task: raw agreement and Cohen's kappa on their shared
-- tasks, answers compared as nominal categories (exact match).
-- kappa = (p_o - p_e) / (1 - p_e); p_e = sum over answers of the product of
-- the two labelers' answer shares on the shared tasks (Cohen 1960, as
-- sklearn.metrics.cohen_kappa_score and statsmodels' cohens_kappa).
with

scored as (

    select * from {{ ref('int_submissions_scored') }}
    where not is_skipped and answer is not null

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

pairs as (

    select
        first_labeler.project_id,
        first_labeler.task_id,
        first_labeler.labeler_id as labeler_a_id,
        second_labeler.labeler_id as labeler_b_id,
        first_labeler.answer as answer_a,
        second_labeler.answer as answer_b
    from answers as first_labeler
    inner join answers as second_labeler
        on
            first_labeler.task_id = second_labeler.task_id
            and first_labeler.labeler_id < second_labeler.labeler_id

),

observed as (

    select
        project_id,
        labeler_a_id,
        labeler_b_id,
        count(*) as shared_tasks,
        sum(case when answer_a = answer_b then 1 else 0 end) as agreed_tasks
    from pairs
    group by
        project_id,
        labeler_a_id,
        labeler_b_id

),

marginal_a as (

    select
        project_id,
        labeler_a_id,
        labeler_b_id,
        answer_a as answer,
        count(*) as answers_a
    from pairs
    group by
        project_id,
        labeler_a_id,
        labeler_b_id,
        answer_a

),

marginal_b as (

    select
        project_id,
        labeler_a_id,
        labeler_b_id,
        answer_b as answer,
        count(*) as answers_b
    from pairs
    group by
        project_id,
        labeler_a_id,
        labeler_b_id,
        answer_b

),

expected as (

    select
        marginal_a.project_id,
        marginal_a.labeler_a_id,
        marginal_a.labeler_b_id,
        sum(cast(marginal_a.answers_a as double) * marginal_b.answers_b) as expected_product_sum
    from marginal_a
    inner join marginal_b
        on
            marginal_a.project_id = marginal_b.project_id
            and marginal_a.labeler_a_id = marginal_b.labeler_a_id
            and marginal_a.labeler_b_id = marginal_b.labeler_b_id
            and marginal_a.answer = marginal_b.answer
    group by
        marginal_a.project_id,
        marginal_a.labeler_a_id,
        marginal_a.labeler_b_id

),

rates as (

    select
        observed.project_id,
        observed.labeler_a_id,
        observed.labeler_b_id,
        observed.shared_tasks,
        observed.agreed_tasks,
        cast(observed.agreed_tasks as double) / nullif(observed.shared_tasks, 0) as observed_agreement,
        coalesce(expected.expected_product_sum, 0)
        / nullif(cast(observed.shared_tasks as double) * observed.shared_tasks, 0) as expected_agreement
    from observed
    left join expected
        on
            observed.project_id = expected.project_id
            and observed.labeler_a_id = expected.labeler_a_id
            and observed.labeler_b_id = expected.labeler_b_id

),

final as (

    select
        project_id,
        labeler_a_id,
        labeler_b_id,
        cast(shared_tasks as {{ dbt.type_bigint() }}) as shared_tasks,
        cast(agreed_tasks as {{ dbt.type_bigint() }}) as agreed_tasks,
        observed_agreement,
        expected_agreement,
        (observed_agreement - expected_agreement) / nullif(1 - expected_agreement, 0) as cohens_kappa
    from rates

)

select * from final
