-- Every raw row of the ads system that staging did not keep: quarantined rows
-- with the first rule they broke, and later-landed duplicates of staged keys
-- (macros/staging/rejected_rows.sql). Raw values are kept whole in raw_row_json.
{{ rejected_rows(
    system='ads',
    tables=[
        ['advertisers', ['advertiser_id']],
        ['campaigns', ['campaign_id']],
        ['ad_requests', ['request_id']],
        ['impressions', ['impression_id']],
        ['clicks', ['click_id']],
        ['conversions', ['conversion_id']]
    ],
    incremental=true
) }}
