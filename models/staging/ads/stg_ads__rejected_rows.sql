-- Every raw row of the ads system that staging did not keep: quarantined rows
-- with the first rule they broke, and later-landed duplicates of staged keys.
-- Raw values are kept whole in raw_row_json, so nothing is lost.
with

rejected_advertisers as (

    select
        'advertisers' as source_table,
        cast(advertiser_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_ads__advertisers') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_campaigns as (

    select
        'campaigns' as source_table,
        cast(campaign_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_ads__campaigns') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_ad_requests as (

    select
        'ad_requests' as source_table,
        cast(request_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_ads__ad_requests') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_impressions as (

    select
        'impressions' as source_table,
        cast(impression_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_ads__impressions') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_clicks as (

    select
        'clicks' as source_table,
        cast(click_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_ads__clicks') }}
    where quarantine_reason is not null or is_duplicate

),

rejected_conversions as (

    select
        'conversions' as source_table,
        cast(conversion_id as {{ dbt.type_string() }}) as row_key,
        quarantine_reason,
        is_duplicate,
        _loaded_at,
        raw_row_json
    from {{ ref('base_ads__conversions') }}
    where quarantine_reason is not null or is_duplicate

),

unioned as (

    select * from rejected_advertisers
    union all
    select * from rejected_campaigns
    union all
    select * from rejected_ad_requests
    union all
    select * from rejected_impressions
    union all
    select * from rejected_clicks
    union all
    select * from rejected_conversions

),

final as (

    select
        source_table,
        row_number() over (
            partition by source_table
            order by _loaded_at asc nulls last, row_key asc nulls last, raw_row_json asc
        ) as rejected_row_number,
        row_key,
        case when is_duplicate then 'duplicate' else 'quarantined' end as rejection_kind,
        coalesce(quarantine_reason, 'duplicate') as rejection_reason,
        {{ dbt.split_part('coalesce(quarantine_reason, \'duplicate\')', "':'", 1) }} as reason_category,
        _loaded_at,
        raw_row_json
    from unioned

)

select * from final
