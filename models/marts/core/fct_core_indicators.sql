-- The core indicator system in long format (contracts/public_marts.md §4):
-- one row per metric_date x metric_name x dimension_name x dimension_value,
-- numerator, denominator (1 for counts) and value = numerator / denominator.
-- Every indicator is read from the domain mart (or the domain's
-- intermediate model) that already computes it: this model only unpivots,
-- it recomputes no metric. seeds/core_indicator_catalog.csv documents each
-- one (definition, direction, owner, dimensions); the list below is the
-- single place that maps an indicator to its source columns. The catalog's
-- noise_model says how the sampling variance of a value is approximated:
-- poisson (a count: variance = count), binomial (a proportion: p(1-p)/n),
-- compound (money: sum of squared event amounts / denominator^2; 'squared'
-- below names that sum) or none. detection_value is what anomaly detection
-- scores: value itself, except where 'detection_numerator' names a
-- winsorised numerator (heavy-tailed ad revenue, see int_ad_activity_sliced);
-- sampling_variance is the variance of detection_value.
{% set indicators = [
    {'domain': 'engagement', 'source': 'engagement', 'name': 'dau', 'numerator': 'dau'},
    {'domain': 'engagement', 'source': 'engagement', 'name': 'wau', 'numerator': 'wau',
     'complete': 'is_wau_window_complete'},
    {'domain': 'engagement', 'source': 'engagement', 'name': 'mau', 'numerator': 'mau',
     'complete': 'is_mau_window_complete'},
    {'domain': 'engagement', 'source': 'engagement', 'name': 'new_users', 'numerator': 'new_users'},
    {'domain': 'engagement', 'source': 'engagement', 'name': 'd1_retention',
     'numerator': 'd1_retained_users', 'denominator': 'new_users', 'where': 'is_d1_complete'},
    {'domain': 'engagement', 'source': 'engagement', 'name': 'watch_seconds_per_dau',
     'numerator': 'watch_seconds', 'denominator': 'dau'},
    {'domain': 'engagement', 'source': 'engagement', 'name': 'views_per_dau', 'all_only': true,
     'numerator': 'video_views', 'denominator': 'dau'},
    {'domain': 'engagement', 'source': 'engagement', 'name': 'completion_rate', 'all_only': true,
     'numerator': 'completed_views', 'denominator': 'video_views'},
    {'domain': 'monetization', 'source': 'ads', 'name': 'ad_impressions', 'numerator': 'ad_impressions'},
    {'domain': 'monetization', 'source': 'ads', 'name': 'ad_revenue_usd', 'numerator': 'ad_revenue_usd',
     'detection_numerator': 'ad_revenue_winsorised_usd', 'squared': 'ad_revenue_winsorised_usd_squared'},
    {'domain': 'monetization', 'source': 'ads', 'name': 'ctr',
     'numerator': 'ad_clicks', 'denominator': 'ad_impressions'},
    {'domain': 'monetization', 'source': 'ads', 'name': 'fill_rate',
     'numerator': 'filled_requests', 'denominator': 'ad_requests'},
    {'domain': 'monetization', 'source': 'ads', 'name': 'ecpm_usd', 'all_only': true,
     'numerator': '1000 * ad_revenue_usd', 'denominator': 'ad_impressions',
     'detection_numerator': '1000 * ad_revenue_winsorised_usd',
     'squared': '1000000 * ad_revenue_winsorised_usd_squared'},
    {'domain': 'monetization', 'source': 'ad_segments', 'name': 'arpdau',
     'numerator': 'ad_revenue_usd', 'denominator': 'daily_active_users',
     'detection_numerator': 'ad_revenue_winsorised_usd', 'squared': 'ad_revenue_winsorised_usd_squared'},
    {'domain': 'labeling', 'source': 'labeling', 'name': 'active_labelers', 'numerator': 'active_labelers'},
    {'domain': 'labeling', 'source': 'labeling', 'name': 'gold_accuracy',
     'numerator': 'gold_correct_submissions', 'denominator': 'gold_submissions'},
    {'domain': 'labeling', 'source': 'labeling', 'name': 'acceptance_rate',
     'numerator': 'accepted_reviews', 'denominator': 'reviews'},
    {'domain': 'labeling', 'source': 'labeling', 'name': 'skip_rate',
     'numerator': 'skipped_submissions', 'denominator': 'submissions'},
    {'domain': 'creators', 'source': 'creators', 'name': 'videos_published', 'numerator': 'videos_published'},
    {'domain': 'creators', 'source': 'creators', 'name': 'creators_posting', 'numerator': 'creators_posting'},
    {'domain': 'creators', 'source': 'creators', 'name': 'qualified_views', 'numerator': 'qualified_views'},
    {'domain': 'creators', 'source': 'creators', 'name': 'engagement_rate',
     'numerator': 'engagements', 'denominator': 'video_views'},
    {'domain': 'risk', 'source': 'risk', 'name': 'videos_removed', 'numerator': 'videos_removed'},
    {'domain': 'risk', 'source': 'risk', 'name': 'proactive_removal_rate',
     'numerator': 'proactive_removals', 'denominator': 'videos_removed'},
    {'domain': 'risk', 'source': 'risk', 'name': 'removal_within_24h_rate',
     'numerator': 'removals_within_24h', 'denominator': 'videos_removed'},
    {'domain': 'risk', 'source': 'risk', 'name': 'violating_view_rate',
     'numerator': 'violating_sample_weight', 'denominator': 'sample_weight'},
    {'domain': 'risk', 'source': 'risk', 'name': 'appeal_overturn_rate',
     'numerator': 'appeals_overturned', 'denominator': 'appeals_resolved'},
    {'domain': 'risk', 'source': 'risk', 'name': 'removed_share_of_uploads',
     'numerator': 'videos_removed', 'denominator': 'videos_published'},
] -%}
with

engagement_daily as (

    select * from {{ ref('metrics_engagement_daily') }}

),

ad_activity as (

    select * from {{ ref('int_ad_activity_sliced') }}

),

ad_revenue_segments as (

    select * from {{ ref('fct_ad_revenue_by_user_segment_daily') }}

),

labeling_daily as (

    select * from {{ ref('metrics_labeling_daily') }}

),

creators_daily as (

    select * from {{ ref('metrics_creators_daily') }}

),

risk_daily as (

    select * from {{ ref('metrics_risk_daily') }}

),

-- each source on a common slice grain: metric_date, dimension_name,
-- dimension_value; app metrics keep the total, country and platform
engagement as (

    select *
    from engagement_daily
    where dimension_name in ('all', 'country', 'platform')

),

ads as (

    select
        activity_date as metric_date,
        dimension_name,
        dimension_value,
        ad_requests,
        filled_requests,
        ad_impressions,
        ad_clicks,
        ad_revenue_usd,
        ad_revenue_winsorised_usd,
        ad_revenue_winsorised_usd_squared
    from ad_activity

),

ad_segments as (

    -- arpdau's revenue and dau come from the segment mart; only the
    -- winsorised revenue anomaly detection scores from the sliced events
    select
        ad_revenue_segments.activity_date as metric_date,
        ad_revenue_segments.segment_name as dimension_name,
        ad_revenue_segments.segment_value as dimension_value,
        ad_revenue_segments.daily_active_users,
        ad_revenue_segments.ad_revenue_usd,
        coalesce(ad_activity.ad_revenue_winsorised_usd, 0) as ad_revenue_winsorised_usd,
        coalesce(ad_activity.ad_revenue_winsorised_usd_squared, 0) as ad_revenue_winsorised_usd_squared
    from ad_revenue_segments
    left join ad_activity
        on
            ad_revenue_segments.activity_date = ad_activity.activity_date
            and ad_revenue_segments.segment_name = ad_activity.dimension_name
            and ad_revenue_segments.segment_value = ad_activity.dimension_value
    where ad_revenue_segments.segment_name in ('all', 'country', 'platform')

),

labeling as (

    select *
    from labeling_daily
    where dimension_name = 'all'

),

creators as (

    select
        *,
        'all' as dimension_name,
        'all' as dimension_value
    from creators_daily

),

risk as (

    select
        *,
        'all' as dimension_name,
        'all' as dimension_value
    from risk_daily

),

indicator_catalog as (

    select * from {{ ref('core_indicator_catalog') }}

),

unpivoted as (

    {% for indicator in indicators %}
        select
            cast(metric_date as date) as metric_date,
            '{{ indicator.domain }}' as domain,
            '{{ indicator.name }}' as metric_name,
            cast(dimension_name as string) as dimension_name,
            cast(dimension_value as string) as dimension_value,
            cast({{ indicator.numerator }} as double) as numerator,
            cast({{ indicator.get('denominator', '1') }} as double) as denominator,
            cast({{ indicator.get('detection_numerator', indicator.numerator) }} as double) as detection_numerator,
            {{ indicator.get('complete', 'true') }} as is_window_complete,
            {% if indicator.squared is defined -%}
                cast({{ indicator.squared }} as double)
            {%- else -%}
                cast(null as double)
            {%- endif %} as amount_squared
        from {{ indicator.source }}
        where
            {{ indicator.get('where', 'true') }}
            {% if indicator.all_only %}and dimension_name = 'all'{% endif %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        unpivoted.metric_date,
        unpivoted.domain,
        unpivoted.metric_name,
        unpivoted.dimension_name,
        unpivoted.dimension_value,
        unpivoted.numerator,
        unpivoted.denominator,
        -- value is the contract's column name (public_marts.md section 4)
        unpivoted.numerator / nullif(unpivoted.denominator, 0) as value,  -- noqa: RF04
        cast(unpivoted.is_window_complete as boolean) as is_window_complete,
        unpivoted.detection_numerator / nullif(unpivoted.denominator, 0) as detection_value,
        case indicator_catalog.noise_model
            when 'poisson' then unpivoted.numerator
            when 'binomial'
                then
                    -- p shrunk as (x + 0.5) / (n + 1) so that 0 % and 100 % days
                    -- do not claim zero noise
                    (unpivoted.numerator + 0.5) / (unpivoted.denominator + 1)
                    * (1 - (unpivoted.numerator + 0.5) / (unpivoted.denominator + 1))
                    / nullif(unpivoted.denominator, 0)
            when 'compound'
                then unpivoted.amount_squared / nullif(unpivoted.denominator * unpivoted.denominator, 0)
        end as sampling_variance
    from unpivoted
    inner join indicator_catalog
        on unpivoted.metric_name = indicator_catalog.metric_name

)

select * from final
