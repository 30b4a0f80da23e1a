"""fct_core_indicators vs an independent pandas recomputation from the RAW parquet.

Every required indicator of contracts/public_marts.md section 4 is recomputed
from the raw rows staging keeps (the clean_raw fixture: quarantined and
null keys dropped, first-landed copy of each key), with the contract's
definitions and nothing from the SQL: counts must agree exactly, ratios to
1e-9, on every day and dimension value.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

REQUIRED = {
    "dau", "wau", "mau", "new_users", "d1_retention", "watch_seconds_per_dau",
    "active_labelers", "gold_accuracy", "acceptance_rate",
    "ad_impressions", "ad_revenue_usd", "ctr", "fill_rate", "arpdau",
    "videos_published", "creators_posting",
    "videos_removed", "proactive_removal_rate", "removal_within_24h_rate",
    "violating_view_rate", "appeal_overturn_rate",
}
APP_METRICS = {
    "dau", "wau", "mau", "new_users", "d1_retention", "watch_seconds_per_dau",
    "ad_impressions", "ad_revenue_usd", "ctr", "fill_rate", "arpdau",
}
DIMENSIONS = ["all", "country", "platform"]
COUNTS = {
    "dau", "wau", "mau", "new_users", "active_labelers", "ad_impressions", "ad_revenue_usd",
    "videos_published", "creators_posting", "videos_removed",
}


def day(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).dt.date


@pytest.fixture(scope="module")
def indicators(warehouse) -> pd.DataFrame:
    df = warehouse.execute("select * from fct_core_indicators").df()
    df["metric_date"] = pd.to_datetime(df["metric_date"]).dt.date
    return df


def sliced(df: pd.DataFrame, date_col: str, agg) -> dict[tuple, pd.DataFrame]:
    """{(date, dimension_name, dimension_value): aggregate} for all / country / platform."""
    out = []
    for dim in DIMENSIONS:
        keys = [date_col] if dim == "all" else [date_col, dim]
        g = agg(df.groupby(keys, dropna=False)).reset_index()
        g["dimension_name"] = dim
        g["dimension_value"] = "all" if dim == "all" else g[dim].fillna("unknown")
        g = g.rename(columns={date_col: "metric_date"})
        out.append(g.drop(columns=[c for c in ("country", "platform") if c in g.columns]))
    return pd.concat(out, ignore_index=True)


def compare(indicators: pd.DataFrame, metric: str, expected: pd.DataFrame, counts_exact: bool = True) -> int:
    """expected: metric_date, dimension_name, dimension_value, numerator, denominator."""
    got = indicators[indicators["metric_name"] == metric].set_index(
        ["metric_date", "dimension_name", "dimension_value"]).sort_index()
    assert not got.empty, metric
    window = indicators["metric_date"]
    expected = expected[(expected["metric_date"] >= window.min()) & (expected["metric_date"] <= window.max())]
    exp = expected.set_index(["metric_date", "dimension_name", "dimension_value"]).sort_index()
    # every non-zero recomputed cell has a row; every warehouse row matches
    nonzero = exp[(exp["numerator"] != 0) | (exp["denominator"] != 0)]
    missing = nonzero.index.difference(got.index)
    assert missing.empty, (metric, list(missing[:5]))
    joined = got.join(exp, rsuffix="_exp", how="left")
    is_count = metric in COUNTS
    joined["numerator_exp"] = joined["numerator_exp"].fillna(0.0)
    joined["denominator_exp"] = joined["denominator_exp"].fillna(1.0 if is_count else 0.0)
    if counts_exact:
        assert (joined["numerator"] == joined["numerator_exp"]).all(), (
            metric, joined[joined["numerator"] != joined["numerator_exp"]].head())
    else:
        assert np.allclose(joined["numerator"], joined["numerator_exp"], rtol=1e-9, atol=1e-9), metric
    assert (joined["denominator"] == joined["denominator_exp"]).all(), (
        metric, joined[joined["denominator"] != joined["denominator_exp"]].head())
    exp_value = joined["numerator_exp"] / joined["denominator_exp"].replace(0, np.nan)
    both_null = joined["value"].isna() & exp_value.isna()
    close = np.isclose(joined["value"], exp_value, rtol=1e-9, atol=1e-12)
    assert (both_null | close).all(), (metric, joined[~(both_null | close)].head())
    return len(joined)


@pytest.fixture(scope="module")
def app(clean_raw):
    events = clean_raw("app", "events", "event_id")
    users = clean_raw("app", "users", "user_id")
    events["event_date"] = day(events["event_at"])
    users["signup_date"] = day(users["signup_at"])
    return events, users


@pytest.fixture(scope="module")
def ads(clean_raw, app):
    _, users = app
    attrs = users[["user_id", "country", "platform"]]
    requests = clean_raw("ads", "ad_requests", "request_id").merge(attrs, on="user_id", how="left")
    impressions = clean_raw("ads", "impressions", "impression_id").merge(attrs, on="user_id", how="left")
    clicks = clean_raw("ads", "clicks", "click_id")
    conversions = clean_raw("ads", "conversions", "conversion_id")
    imp_keys = impressions[["impression_id", "user_id", "country", "platform", "shown_at"]]
    clicks = clicks.merge(imp_keys, on="impression_id", how="inner")
    conversions = conversions.merge(imp_keys, on="impression_id", how="inner")
    requests["metric_date"] = day(requests["requested_at"])
    impressions["metric_date"] = day(impressions["shown_at"])
    clicks["impression_date"] = day(clicks["shown_at"])
    clicks["metric_date"] = day(clicks["clicked_at"])
    conversions["metric_date"] = day(conversions["converted_at"])
    return requests, impressions, clicks, conversions


def test_catalog_lists_every_indicator(indicators, warehouse):
    """The contract's required indicators, and the app metrics cut by all, country and
    platform. That the mart follows its catalog (same metrics, the catalog's dimensions and
    domain, denominator 1 for counts) is the dbt test assert_core_indicators_follow_their_catalog."""
    catalog = warehouse.execute("select * from core_indicator_catalog").df()
    assert set(catalog.loc[catalog["is_required"], "metric_name"]) == REQUIRED
    for metric in APP_METRICS:
        got = set(indicators.loc[indicators["metric_name"] == metric, "dimension_name"])
        assert got == set(DIMENSIONS), metric


def test_engagement_indicators(indicators, app):
    events, users = app
    days = sorted(events["event_date"].unique())
    checked = 0
    # dau, wau, mau: distinct users over 1 / 7 / 28 trailing days (event country / platform)
    for metric, width in (("dau", 1), ("wau", 7), ("mau", 28)):
        rows = []
        for dim in DIMENSIONS:
            col = None if dim == "all" else dim
            sets = {}
            for key, g in events.groupby(["event_date"] + ([col] if col else [])):
                sets[key if col else (key[0], "all")] = set(g["user_id"])
            values = sorted({v for (_, v) in sets})
            for value in values:
                for i, d in enumerate(days):
                    window = days[max(0, i - width + 1): i + 1]
                    n = len(set().union(*[sets.get((w, value), set()) for w in window]))
                    rows.append((d, dim, value, float(n), 1.0))
        exp = pd.DataFrame(rows, columns=["metric_date", "dimension_name", "dimension_value", "numerator", "denominator"])
        checked += compare(indicators, metric, exp)
    # new users (signup attributes) and d1 retention (active on the next UTC day)
    cohort = users[users["signup_date"].isin(days)].copy()
    active = set(zip(events["user_id"], events["event_date"]))
    cohort["retained"] = [
        (u, d + pd.Timedelta(days=1)) in active for u, d in zip(cohort["user_id"], cohort["signup_date"])
    ]
    new = sliced(cohort, "signup_date", lambda g: g.size().rename("numerator").to_frame())
    new["denominator"] = 1.0
    checked += compare(indicators, "new_users", new)
    complete = cohort[cohort["signup_date"] < days[-1]]
    ret = sliced(complete, "signup_date", lambda g: g.agg(numerator=("retained", "sum"), denominator=("user_id", "size")))
    got = indicators[indicators["metric_name"] == "d1_retention"]
    assert got["metric_date"].max() < days[-1]  # the last cohort's next day is not observed yet
    checked += compare(indicators, "d1_retention", ret)
    # watch seconds per dau
    views = events[events["event_type"] == "video_view"].copy()
    views["watch_seconds"] = views["watch_ms"].astype(float) / 1000
    watch = sliced(views, "event_date", lambda g: g["watch_seconds"].sum().rename("numerator").to_frame())
    dau = sliced(events, "event_date", lambda g: g["user_id"].nunique().rename("denominator").to_frame())
    wpd = dau.merge(watch, how="left").fillna({"numerator": 0.0})
    checked += compare(indicators, "watch_seconds_per_dau", wpd, counts_exact=False)
    assert checked > 2000


def test_monetization_indicators(indicators, ads, app):
    requests, impressions, clicks, conversions = ads
    events, users = app
    checked = 0
    imp = sliced(impressions, "metric_date", lambda g: g.size().rename("numerator").to_frame())
    imp["denominator"] = 1.0
    checked += compare(indicators, "ad_impressions", imp)
    revenue_rows = pd.concat([
        impressions[["metric_date", "country", "platform", "user_id", "revenue_micros"]],
        clicks[["metric_date", "country", "platform", "user_id", "revenue_micros"]],
        conversions[["metric_date", "country", "platform", "user_id", "revenue_micros"]],
    ], ignore_index=True)
    revenue_rows["revenue_micros"] = revenue_rows["revenue_micros"].fillna(0).astype("int64")
    rev = sliced(revenue_rows, "metric_date", lambda g: (g["revenue_micros"].sum() / 1e6).rename("numerator").to_frame())
    rev["denominator"] = 1.0
    checked += compare(indicators, "ad_revenue_usd", rev, counts_exact=False)
    # ctr: clicks on the impressions shown that day / impressions shown that day
    clicks_by_imp = clicks.groupby("impression_id").size().rename("clicks")
    imp_clicks = impressions.merge(clicks_by_imp, left_on="impression_id", right_index=True, how="left").fillna({"clicks": 0})
    ctr = sliced(imp_clicks, "metric_date", lambda g: g.agg(numerator=("clicks", "sum"), denominator=("impression_id", "size")))
    checked += compare(indicators, "ctr", ctr)
    requests["filled"] = requests["is_filled"].astype(bool).astype(int)
    fill = sliced(requests, "metric_date", lambda g: g.agg(numerator=("filled", "sum"), denominator=("request_id", "size")))
    checked += compare(indicators, "fill_rate", fill)
    # arpdau: the user's revenue / users with a valid app event (users-table country / platform)
    attrs = users[["user_id", "country", "platform"]]
    active = events[["user_id", "event_date"]].drop_duplicates().merge(attrs, on="user_id", how="left")
    dau = sliced(active, "event_date", lambda g: g["user_id"].nunique().rename("denominator").to_frame())
    arpdau = dau.merge(rev.drop(columns="denominator"), how="outer").fillna({"numerator": 0.0, "denominator": 0.0})
    checked += compare(indicators, "arpdau", arpdau, counts_exact=False)
    assert checked > 2000


def test_labeling_indicators(indicators, clean_raw):
    subs = clean_raw("labeling", "submissions", "submission_id")
    tasks = clean_raw("labeling", "tasks", "task_id")
    reviews = clean_raw("labeling", "reviews", "review_id")
    subs["metric_date"] = day(subs["submitted_at"])
    answered = subs[~subs["is_skipped"].astype(bool)].merge(tasks[["task_id", "is_gold", "gold_answer"]], on="task_id")
    act = answered.groupby("metric_date")["labeler_id"].nunique().rename("numerator").reset_index()
    act["denominator"] = 1.0
    gold = answered[answered["is_gold"].astype(bool)].copy()
    gold["correct"] = (gold["answer"] == gold["gold_answer"]).astype(int)
    acc = gold.groupby("metric_date").agg(numerator=("correct", "sum"), denominator=("correct", "size")).reset_index()
    # one review per submission: the first (domain definition; equal to all reviews when unique)
    reviews = reviews.sort_values(["reviewed_at", "review_id"]).drop_duplicates("submission_id")
    reviews["metric_date"] = day(reviews["reviewed_at"])
    reviews["accepted"] = reviews["is_accepted"].astype(bool).astype(int)
    accept = reviews.groupby("metric_date").agg(numerator=("accepted", "sum"), denominator=("accepted", "size")).reset_index()
    for metric, exp in (("active_labelers", act), ("gold_accuracy", acc), ("acceptance_rate", accept)):
        exp = exp.assign(dimension_name="all", dimension_value="all")
        compare(indicators, metric, exp)


def test_creator_and_risk_indicators(indicators, clean_raw):
    videos = clean_raw("app", "videos", "video_id")
    videos["metric_date"] = day(videos["published_at"])
    pub = videos.groupby("metric_date").agg(numerator=("video_id", "size")).reset_index()
    posting = videos.groupby("metric_date").agg(numerator=("creator_id", "nunique")).reset_index()
    decisions = clean_raw("trust_safety", "moderation_decisions", "decision_id")
    removes = decisions[decisions["decision"] == "remove"].copy()
    removes["decided_at"] = pd.to_datetime(removes["decided_at"])
    removes["metric_date"] = removes["decided_at"].dt.date
    first_source = removes.sort_values(["decided_at", "decision_id"]).drop_duplicates("video_id").set_index("video_id")["detection_source"]
    per_day = removes.groupby(["metric_date", "video_id"])["decided_at"].min().reset_index()
    per_day["proactive"] = (per_day["video_id"].map(first_source) == "proactive").astype(int)
    published = videos.set_index("video_id")["published_at"]
    per_day["within_24h"] = (
        per_day["decided_at"] <= pd.to_datetime(per_day["video_id"].map(published)) + pd.Timedelta(hours=24)
    ).astype(int)
    removed = per_day.groupby("metric_date").agg(
        videos_removed=("video_id", "size"), proactive=("proactive", "sum"), within_24h=("within_24h", "sum")).reset_index()
    samples = clean_raw("trust_safety", "prevalence_samples", "sample_id")
    samples["metric_date"] = day(samples["sampled_at"])
    samples["violating_weight"] = samples["sampling_weight"] * samples["is_violating"].astype(bool)
    vvr = samples.groupby("metric_date").agg(numerator=("violating_weight", "sum"), denominator=("sampling_weight", "sum")).reset_index()
    appeals = clean_raw("trust_safety", "appeals", "appeal_id")
    resolved = appeals[appeals["resolved_at"].notna() & (appeals["outcome"] != "pending")].copy()
    resolved["metric_date"] = day(resolved["resolved_at"])
    resolved["overturned"] = (resolved["outcome"] == "overturned").astype(int)
    overturn = resolved.groupby("metric_date").agg(numerator=("overturned", "sum"), denominator=("overturned", "size")).reset_index()
    cases = {
        "videos_published": pub.assign(denominator=1.0),
        "creators_posting": posting.assign(denominator=1.0),
        "videos_removed": removed.rename(columns={"videos_removed": "numerator"})[["metric_date", "numerator"]].assign(denominator=1.0),
        "proactive_removal_rate": removed.rename(columns={"proactive": "numerator", "videos_removed": "denominator"}),
        "removal_within_24h_rate": removed.rename(columns={"within_24h": "numerator", "videos_removed": "denominator"}),
        "violating_view_rate": vvr,
        "appeal_overturn_rate": overturn,
    }
    for metric, exp in cases.items():
        exp = exp[["metric_date", "numerator", "denominator"]].assign(dimension_name="all", dimension_value="all")
        compare(indicators, metric, exp, counts_exact=metric != "violating_view_rate")


def test_detection_value_is_value_except_winsorised_revenue(indicators, ads, app):
    """Anomaly detection scores detection_value: the value itself, except for
    ad_revenue_usd / arpdau / ecpm_usd, whose numerator caps every billed
    event at that day's 99th percentile of billed-event revenue (numpy's
    linear quantile = SQL percentile_cont)."""
    requests, impressions, clicks, conversions = ads
    # detection_value = value for the other metrics, and <= value for these three: the dbt test
    # assert_detection_value_is_the_value_except_winsorised_revenue
    rows = pd.concat([frame[["metric_date", "country", "platform", "revenue_micros"]]
                      for frame in (impressions, clicks, conversions)], ignore_index=True)
    rows["usd"] = rows["revenue_micros"].fillna(0) / 1e6
    caps = rows[rows["usd"] > 0].groupby("metric_date")["usd"].quantile(0.99, interpolation="linear")
    rows["capped"] = np.minimum(rows["usd"], rows["metric_date"].map(caps).fillna(np.inf))
    capped = sliced(rows, "metric_date", lambda g: g["capped"].sum().rename("capped").to_frame())
    key = ["metric_date", "dimension_name", "dimension_value"]
    for metric, scale in (("ad_revenue_usd", 1.0), ("arpdau", 1.0), ("ecpm_usd", 1000.0)):
        got = indicators[indicators["metric_name"] == metric].merge(capped, on=key, how="left")
        expected = scale * got["capped"].fillna(0.0) / got["denominator"].replace(0, np.nan)
        ok = np.isclose(got["detection_value"], expected, rtol=1e-9, atol=1e-12) | (
            got["detection_value"].isna() & expected.isna())
        assert ok.all(), (metric, got[~ok].head())
        # winsorising does bite somewhere
        assert (got["detection_value"] < got["value"] * (1 - 1e-6)).any(), metric
