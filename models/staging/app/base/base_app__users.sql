{{ config(
    materialized='view',
    meta={'raw_row_json': [
        'user_id', 'signup_at', 'country', 'platform', 'age_band',
        'acquisition_channel', '_loaded_at'
    ]}
) }}

-- Every raw row of app.users: typed, checked against docs/cleaning_rules.md,
-- given its quarantine reason (no window here, so filters on _loaded_at reach the
-- parquet scan; duplicates are found by landing order downstream). stg_app__users keeps the
-- clean first copies; stg_app__rejected_rows keeps the rest, with the raw columns listed in
-- meta.raw_row_json as JSON (built there for rejected rows only: a JSON column
-- here would be computed for every row entering a window or join).
with

source as (

    select * from {{ raw_table('app', 'users') }}

),

typed as (

    select
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        {{ typed_timestamp('signup_at') }},
        cast(country as {{ dbt.type_string() }}) as country,
        cast(platform as {{ dbt.type_string() }}) as platform,
        cast(age_band as {{ dbt.type_string() }}) as age_band,
        cast(acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
        {{ typed_timestamp('_loaded_at') }}
    from source

),

checked as (

    select
        typed.*,
        {{ quarantine_reason(
            primary_key=['user_id'],
            enums=[
                ['country', 'country'],
                ['platform', 'platform'],
                ['age_band', 'age_band'],
                ['acquisition_channel', 'acquisition_channel']
            ],
            timestamps=['signup_at']
        ) }} as quarantine_reason
    from typed

),

final as (

    select
        user_id,
        signup_at,
        country,
        platform,
        age_band,
        acquisition_channel,
        _loaded_at,
        quarantine_reason
    from checked

)

select * from final
