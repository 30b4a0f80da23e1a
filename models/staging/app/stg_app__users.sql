-- One row per registered app user.
-- Clean rows, the first landed copy of each key: the checks are in base_app__users.
with

deduplicated as (

    {{ clean_rows_in_landing_order(ref('base_app__users'), ['user_id']) }}

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
