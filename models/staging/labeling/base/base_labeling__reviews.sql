{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'review_id', 'submission_id', 'reviewed_at', 'is_accepted', 'reviewer_id',
        '_loaded_at'
    ]}
) }}

-- Every raw row of labeling.reviews: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_labeling__reviews keeps the
-- clean first copies; stg_labeling__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('labeling', 'reviews') }}

),

typed as (

    select
        cast(review_id as {{ dbt.type_string() }}) as review_id,
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        {{ typed_timestamp('reviewed_at') }},
        cast(is_accepted as boolean) as is_accepted,
        cast(reviewer_id as {{ dbt.type_string() }}) as reviewer_id,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

submission_id_parents as (

    -- distinct: a key known unique lets DuckDB drop the join where the reason is unused
    select distinct submission_id as parent_submission_id
    from {{ ref('stg_labeling__submissions') }}

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['review_id'],
            required_ids=['submission_id'],
            optional_ids=['reviewer_id'],
            timestamps=['reviewed_at'],
            orphans=[
                ['submission_id', 'parent_submission_id']
            ]
        ) }} as quarantine_reason
    from typed
    left join submission_id_parents
        on typed.submission_id = submission_id_parents.parent_submission_id

),

final as (

    select
        review_id,
        submission_id,
        reviewed_at,
        is_accepted,
        reviewer_id,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
