-- One row per registered app user.
-- Clean rows, the first landed copy of each key: the checks are in base_app__users.
with

base as (

    select * from {{ ref('base_app__users') }}

),

deduplicated as (

    select
        base.*,
        {{ landing_order(['user_id']) }} as landing_order
    from base
    where base.quarantine_reason is null

),

final as (

    select
        user_id,
        signup_at,
        country,
        platform,
        age_band,
        acquisition_channel,
        _loaded_at
    from deduplicated
    where landing_order = 1

)

select * from final
