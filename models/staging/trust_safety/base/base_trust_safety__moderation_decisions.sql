{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'decision_id', 'video_id', 'decided_at', 'decision', 'policy_id',
        'detection_source', 'strategy_id', ['reviewer', 'reviewer_type'],
        'model_score', '_loaded_at'
    ]}
) }}

-- Every raw row of trust_safety.moderation_decisions: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_trust_safety__moderation_decisions keeps the
-- clean first copies; stg_trust_safety__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('trust_safety', 'moderation_decisions') }}

),

typed as (

    select
        cast(decision_id as {{ dbt.type_string() }}) as decision_id,
        cast(video_id as {{ dbt.type_string() }}) as video_id,
        {{ typed_timestamp('decided_at') }},
        cast(decision as {{ dbt.type_string() }}) as decision,
        cast(policy_id as {{ dbt.type_string() }}) as policy_id,
        cast(detection_source as {{ dbt.type_string() }}) as detection_source,
        cast(strategy_id as {{ dbt.type_string() }}) as strategy_id,
        cast(reviewer as {{ dbt.type_string() }}) as reviewer,
        cast(model_score as double) as model_score,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

video_id_parents as (

    -- distinct: a key known unique lets DuckDB drop the join where the reason is unused
    select distinct video_id as parent_video_id
    from {{ ref('stg_app__videos') }}

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['decision_id'],
            required_ids=['video_id', 'policy_id'],
            optional_ids=['strategy_id'],
            enums=[
                ['decision', 'moderation_decision'],
                ['detection_source', 'detection_source'],
                ['reviewer', 'reviewer_type']
            ],
            bounded=['model_score'],
            timestamps=['decided_at'],
            orphans=[
                ['video_id', 'parent_video_id']
            ]
        ) }} as quarantine_reason
    from typed
    left join video_id_parents
        on typed.video_id = video_id_parents.parent_video_id

),

final as (

    select
        decision_id,
        video_id,
        decided_at,
        decision,
        policy_id,
        detection_source,
        strategy_id,
        reviewer as reviewer_type,
        model_score,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
