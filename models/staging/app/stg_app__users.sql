-- One row per registered app user.
-- Clean rows only: the checks are in base_app__users.
with

base as (

    select * from {{ ref('base_app__users') }}

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
    from base
    where quarantine_reason is null and not is_duplicate

)

select * from final
