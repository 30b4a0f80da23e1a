-- One row per prevalence sample (a view drawn at random and labeled): the
-- entity-grain fact of the violating view rate in the MetricFlow semantic
-- layer, a weighted share of sampled views by sampled_at day (as
-- metrics_risk_daily and fct_prevalence_daily). A view over the staged samples.
{{ config(materialized='view') }}
with

samples as (

    select * from {{ ref('stg_trust_safety__prevalence_samples') }}

),

final as (

    select
        sample_id,
        sampled_at,
        cast(sampled_at as date) as sampled_date,
        policy_id,
        is_violating,
        sampling_weight
    from samples

)

select * from final
