-- One row per view day x policy ('all' for any policy): the violating view
-- rate (prevalence) estimated from the weighted prevalence samples, with a
-- 95% Wilson interval on Kish's effective sample size, clipped to [0, 1].
-- The day is the day of the sampled view (the population the samples stand
-- for), falling back to sampled_at when the view is not in staging.
-- When no violating sample was seen the estimate is 0 and the report quotes
-- the upper bound only (Meta/YouTube publish "upper limit" prevalence).
with

samples as (

    select * from {{ ref('stg_trust_safety__prevalence_samples') }}

),

events as (

    select * from {{ ref('stg_app__events') }}

),

policies as (

    select * from {{ ref('stg_trust_safety__policies') }}

),

dated_samples as (

    select
        samples.sample_id,
        cast(coalesce(events.event_at, samples.sampled_at) as date) as view_date,
        coalesce(samples.is_violating, false) as is_violating,
        samples.policy_id,
        samples.sampling_weight
    from samples
    left join events
        on samples.event_id = events.event_id
    where samples.sampling_weight > 0

),

policy_slices as (

    select 'all' as policy_id
    union all
    select policy_id from policies

),

sliced as (

    select
        dated_samples.view_date,
        policy_slices.policy_id,
        dated_samples.sampling_weight,
        dated_samples.is_violating
        and (policy_slices.policy_id = 'all' or dated_samples.policy_id = policy_slices.policy_id)
            as is_violating_in_slice
    from dated_samples
    cross join policy_slices

),

aggregated as (

    select
        view_date,
        policy_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as samples,
        cast(sum(case when is_violating_in_slice then 1 else 0 end) as {{ dbt.type_bigint() }}) as violating_samples,
        cast(sum(sampling_weight) as double) as sum_weight,
        cast(sum(sampling_weight * sampling_weight) as double) as sum_weight_squared,
        cast(sum(case when is_violating_in_slice then sampling_weight else 0.0 end) as double) as violating_weight
    from sliced
    group by view_date, policy_id

),

estimated as (

    select
        view_date,
        policy_id,
        samples,
        violating_samples,
        sum_weight,
        sum_weight_squared,
        violating_weight,
        violating_weight / nullif(sum_weight, 0) as violating_view_rate,
        {{ risk_kish_effective_n('sum_weight', 'sum_weight_squared') }} as effective_sample_size
    from aggregated

),

final as (

    select
        view_date,
        policy_id,
        samples,
        violating_samples,
        sum_weight,
        sum_weight_squared,
        violating_weight,
        cast(violating_view_rate as double) as violating_view_rate,
        cast(effective_sample_size as double) as effective_sample_size,
        cast({{ risk_wilson_bound('violating_view_rate', 'effective_sample_size', 'lower') }} as double)
            as violating_view_rate_ci_lower,
        cast({{ risk_wilson_bound('violating_view_rate', 'effective_sample_size', 'upper') }} as double)
            as violating_view_rate_ci_upper,
        violating_samples > 0 as has_violating_sample,
        case
            when violating_samples = 0
                then cast({{ risk_wilson_bound('0.0', 'effective_sample_size', 'upper') }} as double)
        end as violating_view_rate_upper_bound_if_none_seen
    from estimated

)

select * from final
