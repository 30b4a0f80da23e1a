-- The 21 required core indicators (contracts/public_marts.md §4) straight from
-- the raw Parquet landing zone, in one DuckDB script: the practical lower bound
-- that `make bench` compares the dbt build against (bench/README.md).
--
-- {raw} is replaced by the runner with the raw folder (<raw>/<system>/<table>/).
-- Only the tables the indicators read, and their orphan-check parents, are
-- cleaned, with the rules of docs/cleaning_rules.md: a row is dropped if it
-- breaks any rule (the reason itself does not matter here), then the
-- first-landed clean copy of each key wins. Slices follow fct_core_indicators:
-- app metrics by all / country / platform (engagement: the event's values,
-- new_users and d1_retention: signup values, ad metrics and arpdau: the users
-- table, 'unknown' for a user without a staged row); the rest by all only.
-- Output: metric_date, metric_name, dimension_name, dimension_value,
-- numerator, denominator (1 for counts), value (null when denominator is 0).

-- ------------------------------------------------------------ rule helpers
-- Each returns a non-null boolean (true = the row breaks the rule), so that
-- `where not (...)` never drops a row on a null.
create or replace temp macro bad_id(x) as x is null or not regexp_full_match(x, '[a-z]+_[0-9]+');
create or replace temp macro bad_opt_id(x) as x is not null and not regexp_full_match(x, '[a-z]+_[0-9]+');
create or replace temp macro bad_country(x) as x is null or not regexp_full_match(x, '[A-Z]{2}');
create or replace temp macro bad_enum(x, vals) as x is null or not list_contains(vals, x);
create or replace temp macro bad_amount(x) as coalesce(x < 0, false);
create or replace temp macro bad_ts(t, loaded) as coalesce(t < timestamp '2015-01-01' or t > loaded, false);

-- ------------------------------------------------------------------ app
create temp table users as
select user_id, cast(signup_at as date) as signup_date, country, platform
from read_parquet('{raw}/app/users/*.parquet', union_by_name = true)
where not (
    bad_id(user_id) or bad_country(country) or bad_enum(platform, ['ios', 'android', 'web'])
    or bad_enum(age_band, ['13-17', '18-24', '25-34', '35-44', '45+'])
    or bad_enum(acquisition_channel, ['organic', 'paid', 'referral', 'preinstall'])
    or bad_ts(signup_at, _loaded_at)
)
qualify row_number() over (partition by user_id order by _loaded_at) = 1;

create temp table videos as
select video_id, creator_id, published_at
from read_parquet('{raw}/app/videos/*.parquet', union_by_name = true)
where not (bad_id(video_id) or bad_id(creator_id) or bad_amount(duration_s) or bad_ts(published_at, _loaded_at))
    and creator_id in (select user_id from users)
qualify row_number() over (partition by video_id order by _loaded_at) = 1;

-- one row per user x day x event country x event platform: the only grain the
-- engagement indicators need, so the 100M-event scan is reduced at once
create temp table user_days as
with events as (
    select
        user_id, cast(event_at as date) as d, country, platform,
        case when event_type = 'video_view' then watch_ms end as view_ms
    from read_parquet('{raw}/app/events/*.parquet', union_by_name = true)
    where not (
        bad_id(event_id) or bad_id(user_id) or bad_opt_id(video_id) or bad_opt_id(target_user_id)
        or bad_enum(event_type, ['app_open', 'video_view', 'like', 'share', 'comment', 'follow', 'unfollow', 'search'])
        or (surface is not null and not list_contains(['for_you', 'following', 'search', 'profile'], surface))
        or bad_country(country) or bad_enum(platform, ['ios', 'android', 'web'])
        or bad_amount(watch_ms) or bad_ts(event_at, _loaded_at)
    )
        and user_id in (select user_id from users)
        and (video_id is null or video_id in (select video_id from videos))
    qualify row_number() over (partition by event_id order by _loaded_at) = 1
)
select user_id, d, country, platform, coalesce(sum(view_ms), 0) / 1000.0 as watch_seconds
from events
group by all;

-- one row per slice x user x active day
create temp table slice_days as
select 'all' as dn, 'all' as dv, user_id, d, sum(watch_seconds) as watch_seconds from user_days group by all
union all
select 'country', country, user_id, d, sum(watch_seconds) from user_days group by all
union all
select 'platform', platform, user_id, d, sum(watch_seconds) from user_days group by all;

create temp table bounds as select min(d) as first_d, max(d) as last_d from slice_days;

-- every day of the window x every slice seen (fct_active_users_daily's grid)
create temp table grid as
select d, dn, dv
from (select cast(unnest(generate_series(first_d, last_d, interval 1 day)) as date) as d from bounds) as days,
    (select distinct dn, dv from slice_days) as slices;

-- WAU / MAU: a user's trailing-N-day window holds activity from an active
-- day a until a + N - 1; runs of active days less than N apart merge, so a
-- run adds +1 on its first day and -1 on the day after it ends
create temp table window_changes as
with neighbours as (
    select
        dn, dv, d,
        lag(d) over w as prev_d,
        lead(d) over w as next_d
    from slice_days
    window w as (partition by dn, dv, user_id order by d)
)
select n, dn, dv, change_d, sum(change) as change
from (
    select n, dn, dv, d as change_d, 1 as change
    from neighbours, (values (7), (28)) as w(n)
    where prev_d is null or d - prev_d >= n
    union all
    select n, dn, dv, d + n, -1
    from neighbours, (values (7), (28)) as w(n)
    where next_d is null or next_d - d >= n
)
group by all;

create temp table engagement as
with daily as (
    select dn, dv, d, count(*) as dau, sum(watch_seconds) as watch_seconds
    from slice_days group by all
),
cohort as (
    select
        u.user_id, u.signup_date, u.country, u.platform,
        exists (
            select 1 from slice_days as a
            where a.dn = 'all' and a.user_id = u.user_id and a.d = u.signup_date + 1
        ) as retained
    from users as u, bounds
    where u.signup_date between first_d and last_d
),
cohorts as (
    select
        case when grouping(country) = 0 then 'country' when grouping(platform) = 0 then 'platform' else 'all' end as dn,
        case when grouping(country) = 0 then country when grouping(platform) = 0 then platform else 'all' end as dv,
        signup_date as d, count(*) as new_users, count_if(retained) as retained
    from cohort
    group by grouping sets ((signup_date), (signup_date, country), (signup_date, platform))
)
select
    g.d, g.dn, g.dv,
    coalesce(daily.dau, 0) as dau,
    sum(coalesce(c7.change, 0)) over running as wau,
    sum(coalesce(c28.change, 0)) over running as mau,
    coalesce(cohorts.new_users, 0) as new_users,
    cohorts.retained,
    cohorts.d + 1 <= bounds.last_d as d1_observed,
    coalesce(daily.watch_seconds, 0) as watch_seconds
from grid as g
cross join bounds
left join daily on g.d = daily.d and g.dn = daily.dn and g.dv = daily.dv
left join window_changes as c7 on c7.n = 7 and g.d = c7.change_d and g.dn = c7.dn and g.dv = c7.dv
left join window_changes as c28 on c28.n = 28 and g.d = c28.change_d and g.dn = c28.dn and g.dv = c28.dv
left join cohorts on g.d = cohorts.d and g.dn = cohorts.dn and g.dv = cohorts.dv
window running as (partition by g.dn, g.dv order by g.d rows between unbounded preceding and current row);

-- ------------------------------------------------------------------ ads
create temp table requests as
select request_id, user_id, cast(requested_at as date) as d, is_filled
from read_parquet('{raw}/ads/ad_requests/*.parquet', union_by_name = true)
where not (
    bad_id(request_id) or bad_id(user_id) or bad_enum(placement, ['feed', 'topview', 'search'])
    or bad_ts(requested_at, _loaded_at)
)
qualify row_number() over (partition by request_id order by _loaded_at) = 1;

create temp table campaigns as
select campaign_id
from read_parquet('{raw}/ads/campaigns/*.parquet', union_by_name = true)
where not (
    bad_id(campaign_id) or bad_id(advertiser_id)
    or bad_enum(objective, ['awareness', 'traffic', 'conversions']) or bad_enum(bid_type, ['cpm', 'cpc', 'cpa'])
    or bad_amount(bid_micros) or bad_amount(daily_budget_micros)
)
    and advertiser_id in (
        select advertiser_id
        from read_parquet('{raw}/ads/advertisers/*.parquet', union_by_name = true)
        where not (bad_id(advertiser_id) or bad_country(country))
    )
qualify row_number() over (partition by campaign_id order by _loaded_at) = 1;

create temp table impressions as
select impression_id, user_id, cast(shown_at as date) as d, revenue_micros
from read_parquet('{raw}/ads/impressions/*.parquet', union_by_name = true)
where not (
    bad_id(impression_id) or bad_id(request_id) or bad_id(user_id) or bad_id(campaign_id) or bad_id(ad_id)
    or bad_enum(placement, ['feed', 'topview', 'search']) or bad_amount(revenue_micros)
    or bad_ts(shown_at, _loaded_at)
)
    and request_id in (select request_id from requests)
    and campaign_id in (select campaign_id from campaigns)
qualify row_number() over (partition by impression_id order by _loaded_at) = 1;

create temp table clicks as
select impression_id, cast(clicked_at as date) as d, revenue_micros
from read_parquet('{raw}/ads/clicks/*.parquet', union_by_name = true)
where not (bad_id(click_id) or bad_id(impression_id) or bad_amount(revenue_micros) or bad_ts(clicked_at, _loaded_at))
    and impression_id in (select impression_id from impressions)
qualify row_number() over (partition by click_id order by _loaded_at) = 1;

create temp table conversions as
select impression_id, cast(converted_at as date) as d, revenue_micros
from read_parquet('{raw}/ads/conversions/*.parquet', union_by_name = true)
where not (
    bad_id(conversion_id) or bad_id(impression_id) or bad_opt_id(click_id)
    or bad_enum(conversion_type, ['install', 'purchase', 'lead'])
    or bad_amount(value_micros) or bad_amount(revenue_micros) or bad_ts(converted_at, _loaded_at)
)
    and impression_id in (select impression_id from impressions)
qualify row_number() over (partition by conversion_id order by _loaded_at) = 1;

-- every ad event on its own day with the user it belongs to (clicks and
-- conversions: the impression's user); clicks also count on their impression
create temp table ad_rows as
with clicks_per_impression as (
    select impression_id, count(*) as clicks from clicks group by all
)
select d, user_id, 1 as requests, case when is_filled then 1 else 0 end as filled,
    0 as impressions, 0 as clicks, 0 as revenue_micros
from requests
union all
select i.d, i.user_id, 0, 0, 1, coalesce(c.clicks, 0), i.revenue_micros
from impressions as i left join clicks_per_impression as c using (impression_id)
union all
select c.d, i.user_id, 0, 0, 0, 0, c.revenue_micros
from clicks as c join impressions as i using (impression_id)
union all
select v.d, i.user_id, 0, 0, 0, 0, v.revenue_micros
from conversions as v join impressions as i using (impression_id);

-- ads and arpdau by the users-table country / platform; arpdau's DAU counts
-- user-days with a valid app event, its revenue every ad event of the slice
create temp table ads as
with user_day_ads as (
    select d, user_id, sum(requests) as requests, sum(filled) as filled, sum(impressions) as impressions,
        sum(clicks) as clicks, sum(revenue_micros) as revenue_micros, false as active
    from ad_rows group by d, user_id
    union all
    select distinct d, user_id, 0, 0, 0, 0, 0, true from user_days
),
attributed as (
    select a.*, coalesce(u.country, 'unknown') as country, coalesce(u.platform, 'unknown') as platform
    from user_day_ads as a left join users as u using (user_id)
)
select
    d,
    case when grouping(country) = 0 then 'country' when grouping(platform) = 0 then 'platform' else 'all' end as dn,
    case when grouping(country) = 0 then country when grouping(platform) = 0 then platform else 'all' end as dv,
    sum(requests) as requests, sum(filled) as filled, sum(impressions) as impressions, sum(clicks) as clicks,
    coalesce(sum(revenue_micros), 0) / 1e6 as revenue_usd,
    count_if(active) as dau,
    count_if(not active) > 0 as has_ad_activity
from attributed
group by grouping sets ((d), (d, country), (d, platform));

-- ------------------------------------------------------------- labeling
create temp table labelers as
select labeler_id
from read_parquet('{raw}/labeling/labelers/*.parquet', union_by_name = true)
where not (bad_id(labeler_id) or bad_country(country) or bad_enum(tier, ['bronze', 'silver', 'gold']) or bad_ts(joined_at, _loaded_at))
qualify row_number() over (partition by labeler_id order by _loaded_at) = 1;

create temp table tasks as
select task_id, is_gold, gold_answer
from read_parquet('{raw}/labeling/tasks/*.parquet', union_by_name = true)
where not (
    bad_id(task_id) or bad_id(project_id) or bad_enum(difficulty, ['easy', 'medium', 'hard'])
    or bad_ts(created_at, _loaded_at)
)
    and project_id in (
        select project_id
        from read_parquet('{raw}/labeling/projects/*.parquet', union_by_name = true)
        where not (
            bad_id(project_id) or bad_enum(task_type, ['classification', 'bounding_box', 'transcription'])
            or bad_amount(pay_per_task_usd) or bad_ts(started_at, _loaded_at)
        )
    )
qualify row_number() over (partition by task_id order by _loaded_at) = 1;

create temp table submissions as
select submission_id, task_id, labeler_id, cast(submitted_at as date) as d, answer,
    coalesce(is_skipped, false) as is_skipped
from read_parquet('{raw}/labeling/submissions/*.parquet', union_by_name = true)
where not (
    bad_id(submission_id) or bad_id(task_id) or bad_id(labeler_id)
    or coalesce(started_at < timestamp '2015-01-01' or submitted_at < timestamp '2015-01-01'
        or started_at > _loaded_at or submitted_at > _loaded_at, false)
)
    and task_id in (select task_id from tasks)
    and labeler_id in (select labeler_id from labelers)
qualify row_number() over (partition by submission_id order by _loaded_at) = 1;

-- a submission's first review (by reviewed_at, review_id) on its reviewed_at day
create temp table first_reviews as
select submission_id, cast(reviewed_at as date) as d, coalesce(is_accepted, false) as is_accepted
from (
    select *
    from read_parquet('{raw}/labeling/reviews/*.parquet', union_by_name = true)
    where not (bad_id(review_id) or bad_id(submission_id) or bad_opt_id(reviewer_id) or bad_ts(reviewed_at, _loaded_at))
        and submission_id in (select submission_id from submissions)
    qualify row_number() over (partition by review_id order by _loaded_at) = 1
)
where reviewed_at is not null
qualify row_number() over (partition by submission_id order by reviewed_at, review_id) = 1;

create temp table labeling as
with answered as (
    select s.d, s.labeler_id, coalesce(t.is_gold, false) as is_gold, coalesce(s.answer = t.gold_answer, false) as correct
    from submissions as s join tasks as t using (task_id)
    where not s.is_skipped
),
by_submission_day as (
    select d, count(distinct labeler_id) as active_labelers, count_if(is_gold) as gold, count_if(is_gold and correct) as gold_correct
    from answered group by d
),
by_review_day as (
    select d, count(*) as reviews, count_if(is_accepted) as accepted from first_reviews group by d
)
select d, coalesce(active_labelers, 0) as active_labelers, coalesce(gold, 0) as gold,
    coalesce(gold_correct, 0) as gold_correct, coalesce(reviews, 0) as reviews, coalesce(accepted, 0) as accepted
from by_submission_day full join by_review_day using (d);

-- ------------------------------------------------------ creators and risk
create temp table decisions as
select decision_id, video_id, decided_at, decision, detection_source
from read_parquet('{raw}/trust_safety/moderation_decisions/*.parquet', union_by_name = true)
where not (
    bad_id(decision_id) or bad_id(video_id) or bad_id(policy_id) or bad_opt_id(strategy_id)
    or bad_enum(decision, ['remove', 'restrict', 'no_action'])
    or bad_enum(detection_source, ['proactive', 'user_report'])
    or bad_enum(reviewer, ['automated', 'human'])
    or bad_ts(decided_at, _loaded_at)
)
    and video_id in (select video_id from videos)
qualify row_number() over (partition by decision_id order by _loaded_at) = 1;

create temp table other_daily as
with window_days as (
    select distinct d from grid
),
published as (
    select cast(published_at as date) as d, count(*) as videos_published, count(distinct creator_id) as creators_posting
    from videos group by all
),
removes as (
    select video_id, decided_at, detection_source from decisions where decision = 'remove'
),
first_source as (
    select video_id, arg_min(detection_source, (decided_at, decision_id)) as source
    from decisions where decision = 'remove' group by video_id
),
removed_days as (
    select cast(r.decided_at as date) as d, r.video_id, min(r.decided_at) as removed_at
    from removes as r group by all
),
removals as (
    select
        rd.d, count(*) as videos_removed,
        count_if(fs.source = 'proactive') as proactive,
        count_if(rd.removed_at <= v.published_at + interval 24 hour) as within_24h
    from removed_days as rd
    join first_source as fs using (video_id)
    join videos as v using (video_id)
    group by rd.d
),
samples as (
    select cast(sampled_at as date) as d, sum(sampling_weight) as weight,
        sum(case when is_violating then sampling_weight else 0.0 end) as violating_weight
    from (
        select *
        from read_parquet('{raw}/trust_safety/prevalence_samples/*.parquet', union_by_name = true)
        where not (
            bad_id(sample_id) or bad_id(event_id) or bad_opt_id(policy_id)
            or coalesce(sampling_weight <= 0, true) or bad_ts(sampled_at, _loaded_at)
        )
        qualify row_number() over (partition by sample_id order by _loaded_at) = 1
    )
    group by all
),
appeals as (
    select cast(resolved_at as date) as d,
        count_if(outcome in ('upheld', 'overturned')) as resolved, count_if(outcome = 'overturned') as overturned
    from (
        select *
        from read_parquet('{raw}/trust_safety/appeals/*.parquet', union_by_name = true)
        where not (
            bad_id(appeal_id) or bad_id(decision_id) or bad_enum(outcome, ['upheld', 'overturned', 'pending'])
            or coalesce(appealed_at < timestamp '2015-01-01' or resolved_at < timestamp '2015-01-01'
                or appealed_at > _loaded_at or resolved_at > _loaded_at, false)
        )
            and decision_id in (select decision_id from decisions)
        qualify row_number() over (partition by appeal_id order by _loaded_at) = 1
    )
    where resolved_at is not null
    group by all
)
select
    d,
    coalesce(p.videos_published, 0) as videos_published, coalesce(p.creators_posting, 0) as creators_posting,
    coalesce(r.videos_removed, 0) as videos_removed, coalesce(r.proactive, 0) as proactive,
    coalesce(r.within_24h, 0) as within_24h,
    coalesce(s.violating_weight, 0.0) as violating_weight, coalesce(s.weight, 0.0) as weight,
    coalesce(a.resolved, 0) as resolved, coalesce(a.overturned, 0) as overturned
from window_days
left join published as p using (d)
left join removals as r using (d)
left join samples as s using (d)
left join appeals as a using (d);

-- ------------------------------------------------------------- long table
select metric_date, metric_name, dimension_name, dimension_value,
    cast(numerator as double) as numerator, cast(denominator as double) as denominator,
    cast(numerator as double) / nullif(denominator, 0) as value
from (
    select d as metric_date, dn as dimension_name, dv as dimension_value, m.*
    from engagement,
    lateral (values
        ('dau', dau, 1), ('wau', wau, 1), ('mau', mau, 1), ('new_users', new_users, 1),
        ('watch_seconds_per_dau', watch_seconds, dau)
    ) as m(metric_name, numerator, denominator)
    union all
    select d, dn, dv, 'd1_retention', retained, new_users
    from engagement where d1_observed and new_users > 0
    union all
    select d, dn, dv, m.*
    from ads,
    lateral (values
        ('ad_impressions', impressions, 1), ('ad_revenue_usd', revenue_usd, 1),
        ('ctr', clicks, impressions), ('fill_rate', filled, requests)
    ) as m(metric_name, numerator, denominator)
    where has_ad_activity
    union all
    select d, dn, dv, 'arpdau', revenue_usd, dau from ads
    union all
    select d, 'all', 'all', m.*
    from labeling,
    lateral (values
        ('active_labelers', active_labelers, 1), ('gold_accuracy', gold_correct, gold),
        ('acceptance_rate', accepted, reviews)
    ) as m(metric_name, numerator, denominator)
    union all
    select d, 'all', 'all', m.*
    from other_daily,
    lateral (values
        ('videos_published', videos_published, 1), ('creators_posting', creators_posting, 1),
        ('videos_removed', videos_removed, 1), ('proactive_removal_rate', proactive, videos_removed),
        ('removal_within_24h_rate', within_24h, videos_removed),
        ('violating_view_rate', violating_weight, weight), ('appeal_overturn_rate', overturned, resolved)
    ) as m(metric_name, numerator, denominator)
)
order by metric_name, dimension_name, dimension_value, metric_date;
