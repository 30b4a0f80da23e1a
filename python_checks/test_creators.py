"""Creator marts and the rollout difference-in-differences against independent
recomputations: pandas over the raw Parquet (quarantined keys dropped, first
landed copy kept), numpy for concentration, statsmodels OLS with dummy fixed
effects and country-clustered errors for the DiD, and the simulator's truth
(payout discrepancies, the rollout's true effect)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

RTOL = 1e-9
TRUTH_OUTCOME = "videos_published"


@pytest.fixture(scope="module")
def clean(clean_raw):
    """Raw rows as staging keeps them (conftest.clean_raw)."""
    return clean_raw


@pytest.fixture(scope="module")
def data(clean, raw):
    creators = clean("creators", "creators", "creator_id")
    videos = clean("app", "videos", "video_id")
    events = clean("app", "events", "event_id")
    rollouts = raw("creators", "program_rollouts").drop_duplicates(["country", "program"])
    rollouts = rollouts[rollouts.program == "creator_rewards"]
    events["d"] = events["event_at"].dt.date
    videos["d"] = videos["published_at"].dt.date
    days = sorted(events["d"].unique())
    views = events[events.event_type == "video_view"].merge(
        videos[["video_id", "creator_id"]], on="video_id")
    return dict(creators=creators, videos=videos, events=events, rollouts=rollouts, days=days, views=views)


def test_payout_reconciliation_finds_exactly_the_injected_discrepancies(warehouse, sim_dir):
    truth = pd.read_csv(sim_dir / "truth" / "payout_discrepancies.csv")
    wh = warehouse.execute(
        "select payout_id, paid_qualified_views, warehouse_qualified_views, qualified_views_difference "
        "from fct_rewards_payouts where reconciliation_status = 'mismatch' order by payout_id").df()
    staged = {r[0] for r in warehouse.execute("select payout_id from stg_creators__rewards_payouts").fetchall()}
    truth = truth[truth.payout_id.isin(staged)].sort_values("payout_id").reset_index(drop=True)
    assert len(truth) > 0
    assert list(wh.payout_id) == list(truth.payout_id)
    assert (wh.paid_qualified_views.values == truth.qualified_views_paid.values).all()
    assert (wh.warehouse_qualified_views.values == truth.qualified_views_from_events.values).all()
    assert (wh.qualified_views_difference.values
            == (truth.qualified_views_paid - truth.qualified_views_from_events).values).all()


def test_creator_daily_facts_match_raw(data, warehouse):
    creators, videos, views, events = data["creators"], data["videos"], data["views"], data["events"]
    views = views[views.creator_id.isin(creators.creator_id)]
    q = views[(views.surface == "for_you") & (views.watch_ms >= 5000) & (views.user_id != views.creator_id)]
    q = q.drop_duplicates(["user_id", "video_id", "d"])
    exp = pd.DataFrame({
        "videos_published": videos[videos.creator_id.isin(creators.creator_id)].groupby(["creator_id", "d"]).size(),
        "video_views": views.groupby(["creator_id", "d"]).size(),
        "qualified_views": q.groupby(["creator_id", "d"]).size(),
        "watch_ms": views.groupby(["creator_id", "d"])["watch_ms"].sum(),
        "followers_gained": events[events.event_type == "follow"].groupby(["target_user_id", "d"]).size()
        .rename_axis(["creator_id", "d"]),
    }).fillna(0)
    wh = warehouse.execute(
        "select creator_id, activity_date, videos_published, video_views, qualified_views, watch_seconds, "
        "average_view_duration_seconds, followers_gained from fct_creator_daily").df()
    wh["d"] = pd.to_datetime(wh["activity_date"]).dt.date
    wh = wh.set_index(["creator_id", "d"])
    exp = exp[exp.index.isin(wh.index)].reindex(wh.index).fillna(0)
    for col in ["videos_published", "video_views", "qualified_views", "followers_gained"]:
        assert (wh[col].values == exp[col].astype(int).values).all(), col
    assert np.allclose(wh.watch_seconds.values, exp.watch_ms.values / 1000, rtol=RTOL, atol=1e-9)
    avd = (exp.watch_ms / 1000 / exp.video_views.replace(0, np.nan)).values
    got = wh.average_view_duration_seconds.values.astype(float)
    assert np.all((np.isnan(avd) & np.isnan(got)) | np.isclose(got, avd, rtol=RTOL))
    # the contract's videos_published / creators_posting cover every staged video
    m = warehouse.execute("select metric_date, videos_published, creators_posting from metrics_creators_daily").df()
    m["d"] = pd.to_datetime(m.metric_date).dt.date
    m = m.set_index("d")
    vp = videos.groupby("d").agg(n=("video_id", "size"), c=("creator_id", "nunique")).reindex(m.index).fillna(0)
    assert (m.videos_published.values == vp.n.astype(int).values).all()
    assert (m.creators_posting.values == vp.c.astype(int).values).all()


def test_view_concentration_matches_numpy(data, warehouse):
    creators, views, days = data["creators"], data["views"], data["days"]
    last = pd.Timestamp(days[-1])
    eligible = creators[creators.registered_at < last].creator_id
    x = views[views.creator_id.isin(eligible)].groupby("creator_id").size().reindex(eligible).fillna(0).values
    x = np.sort(x.astype(float))
    n = len(x)
    gini = 2 * np.sum(np.arange(1, n + 1) * x) / (n * x.sum()) - (n + 1) / n
    k = int(np.ceil(0.01 * n))
    top = x[::-1][:k].sum() / x.sum()
    wh = warehouse.execute(
        "select creators, gini, top_1pct_view_share from fct_creator_view_concentration "
        "where period_kind = 'window'").df().iloc[0]
    assert wh.creators == n
    assert wh.gini == pytest.approx(gini, rel=RTOL)
    assert wh.top_1pct_view_share == pytest.approx(top, rel=RTOL)


def _stacked_panel(data, placebo: bool) -> pd.DataFrame:
    creators, videos, rollouts, days = data["creators"], data["videos"], data["rollouts"], data["days"]
    start, end = days[0], days[-1]
    launch = dict(zip(rollouts.country, pd.to_datetime(rollouts.launched_on).dt.date))
    cohorts = sorted({d for d in launch.values() if start < d <= end})
    elig = creators[creators.registered_at < pd.Timestamp(start)][["creator_id", "country"]].copy()
    elig["launch"] = elig.country.map(launch)
    counts = videos.groupby(["creator_id", "d"]).size()
    stacks = []
    for i, c in enumerate(cohorts):
        stack_end = cohorts[i + 1] - pd.Timedelta(days=1) if i + 1 < len(cohorts) else end
        members = elig[(elig.launch == c) | elig.launch.isna() | (elig.launch > stack_end)]
        sdays = [d for d in days if d <= stack_end and (not placebo or d < c)]
        fake = start + pd.Timedelta(days=(c - start).days // 2)
        p = members.assign(key=1).merge(pd.DataFrame({"d": sdays, "key": 1}), on="key").drop(columns="key")
        treated = p.launch == c
        p["D"] = (treated & (p.d >= (fake if placebo else c))).astype(float)
        p["y"] = [counts.get((u, d), 0) for u, d in zip(p.creator_id, p.d)]
        p["stack_id"] = str(c)
        stacks.append(p)
    return pd.concat(stacks, ignore_index=True)


def _statsmodels_did(panel: pd.DataFrame):
    unit = pd.get_dummies(panel.stack_id + "|" + panel.creator_id, dtype=float)
    parts = [unit]
    for s, g in panel.groupby("stack_id"):
        day = pd.get_dummies(panel.d.astype(str).where(panel.stack_id == s), dtype=float)
        parts.append(day.iloc[:, 1:])          # drop one day per stack (collinear with the unit dummies)
    X = pd.concat([panel[["D"]]] + parts, axis=1)
    fit = sm.OLS(panel.y.astype(float), X).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(panel.country)[0]})
    assert np.linalg.matrix_rank(X.values) == X.shape[1]
    return fit.params["D"], fit.bse["D"], X.shape[1]


@pytest.mark.parametrize("placebo", [False, True])
def test_did_matches_statsmodels_and_covers_truth(data, warehouse, sim_dir, placebo):
    panel = _stacked_panel(data, placebo)
    est, se, k = _statsmodels_did(panel)
    kind = "pre_trend_placebo" if placebo else "att"
    wh = warehouse.execute(
        "select estimate, std_error, ci_lower, ci_upper, observations, parameters from fct_rewards_rollout_did "
        f"where outcome_name = '{TRUTH_OUTCOME}' and estimate_scope = 'all' and estimate_kind = '{kind}'").df().iloc[0]
    assert wh.observations == len(panel)
    assert wh.parameters == k
    assert abs(wh.estimate - est) < 1e-6
    assert abs(wh.std_error - se) < 1e-6
    if not placebo:
        truth = pd.read_csv(sim_dir / "truth" / "rollout_effects.csv")
        true_effect = float(truth.loc[truth.metric_name == "videos_published_per_creator_day", "true_effect"].iloc[0])
        assert wh.ci_lower <= true_effect <= wh.ci_upper


@pytest.mark.parametrize("placebo", [False, True])
def test_did_of_each_cohort_matches_statsmodels(data, warehouse, placebo):
    """A cohort's scope is its stack alone: its own fixed effects, clusters and parameters."""
    panel = _stacked_panel(data, placebo)
    kind = "pre_trend_placebo" if placebo else "att"
    wh = warehouse.execute(
        "select estimate_scope, estimate, std_error, observations, stacks, clusters, parameters "
        f"from fct_rewards_rollout_did where outcome_name = '{TRUTH_OUTCOME}' and estimate_kind = '{kind}' "
        "and estimate_scope <> 'all'").df().set_index("estimate_scope")
    assert sorted(wh.index) == sorted(panel.stack_id.unique())
    for stack_id, stack in panel.groupby("stack_id"):
        est, se, k = _statsmodels_did(stack.reset_index(drop=True))
        row = wh.loc[stack_id]
        assert (row.observations, row.stacks, row.parameters) == (len(stack), 1, k)
        assert row.clusters == stack.country.nunique()
        assert abs(row.estimate - est) < 1e-6, stack_id
        assert abs(row.std_error - se) < 1e-6, stack_id
