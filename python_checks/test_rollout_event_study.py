"""The rewards rollout's event study (fct_rewards_event_study) against an
independent recomputation: the stacked panel rebuilt in pandas from the raw
Parquet, statsmodels OLS with dummy fixed effects (stack x creator, stack x
day) and country-clustered errors, its Wald test of the pre-launch weeks; and
against the simulator's dynamic truth (truth/rollout_event_effects.csv) on
the default preset."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from conftest import SANDBOX_DUCKDB

TOL = 1e-6
OUTCOME = "videos_published"
WEEKS_BEFORE, WEEKS_AFTER, REFERENCE = 4, 6, -1
EVENT_WEEKS = [w for w in range(-WEEKS_BEFORE, WEEKS_AFTER + 1) if w != REFERENCE]


def event_panel(creators: pd.DataFrame, videos: pd.DataFrame, rollouts: pd.DataFrame, days: list) -> pd.DataFrame:
    """One stack per launch cohort inside the window over its event window
    (-4 .. +6 weeks, clipped to the data), the cohort's creators and those of
    countries not launched by the stack's last day; creators registered
    before the window; y = videos published that day."""
    start, end = days[0], days[-1]
    launch = dict(zip(rollouts.country, pd.to_datetime(rollouts.launched_on).dt.date))
    cohorts = sorted({d for d in launch.values() if start < d <= end})
    elig = creators[creators.registered_at < pd.Timestamp(start)][["creator_id", "country"]].copy()
    elig["launch"] = elig.country.map(launch)
    counts = videos.groupby(["creator_id", "d"]).size()
    stacks = []
    for c in cohorts:
        first = max(start, c - pd.Timedelta(days=7 * WEEKS_BEFORE))
        last = min(end, c + pd.Timedelta(days=7 * (WEEKS_AFTER + 1) - 1))
        members = elig[(elig.launch == c) | elig.launch.isna() | (elig.launch > last)]
        sdays = [d for d in days if first <= d <= last]
        p = members.merge(pd.DataFrame({"d": sdays}), how="cross")
        p["treated"] = (p.launch == c).astype(float)
        p["event_week"] = [(d - c).days // 7 for d in p.d]
        p["y"] = [float(counts.get((u, d), 0)) for u, d in zip(p.creator_id, p.d)]
        p["stack_id"] = str(c)
        p["cohort"] = c
        stacks.append(p)
    return pd.concat(stacks, ignore_index=True)


def design(panel: pd.DataFrame) -> tuple[pd.DataFrame, list[int]]:
    """The dummy-variable design: treated x week regressors (weeks with a treated
    row), stack x creator dummies, stack x day dummies less one per stack."""
    weeks = [w for w in EVENT_WEEKS if ((panel.event_week == w) & (panel.treated == 1)).any()]
    regs = pd.DataFrame({f"w{w}": (panel.treated * (panel.event_week == w)).astype(float) for w in weeks})
    parts = [regs, pd.get_dummies(panel.stack_id + "|" + panel.creator_id, dtype=float)]
    for s in panel.stack_id.unique():
        day = pd.get_dummies(panel.d.astype(str).where(panel.stack_id == s), dtype=float).add_prefix(f"{s}|")
        parts.append(day.iloc[:, 1:])
    X = pd.concat(parts, axis=1)
    return X, weeks


def statsmodels_event_study(panel: pd.DataFrame, y: pd.Series | None = None):
    X, weeks = design(panel)
    assert np.linalg.matrix_rank(X.values) == X.shape[1]
    fit = sm.OLS(panel.y if y is None else y, X).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(panel.country)[0]})
    return fit, weeks, X.shape[1]


@pytest.fixture(scope="module")
def small_panel(clean_raw, raw):
    creators = clean_raw("creators", "creators", "creator_id")
    videos = clean_raw("app", "videos", "video_id")
    events = clean_raw("app", "events", "event_id")
    rollouts = raw("creators", "program_rollouts").drop_duplicates(["country", "program"])
    rollouts = rollouts[rollouts.program == "creator_rewards"]
    videos["d"] = videos["published_at"].dt.date
    days = sorted(events["event_at"].dt.date.unique())
    return event_panel(creators, videos, rollouts, days)


def test_event_study_matches_statsmodels(small_panel, warehouse):
    fit, weeks, k = statsmodels_event_study(small_panel)
    wh = warehouse.execute(
        "select * from fct_rewards_event_study where outcome_name = ? order by event_week", [OUTCOME]).df()
    assert wh.event_week.tolist() == list(range(-WEEKS_BEFORE, WEEKS_AFTER + 1))
    ref = wh[wh.is_reference_week].iloc[0]
    assert ref.event_week == REFERENCE and ref.estimate == 0 and pd.isna(ref.std_error)
    rows = wh[~wh.is_reference_week].set_index("event_week")
    assert rows.estimate.notna().sum() == len(weeks)          # weeks without treated rows: null
    assert (rows.observations == len(small_panel)).all() and (rows.parameters == k).all()
    assert (rows.clusters == small_panel.country.nunique()).all()
    for w in weeks:
        assert abs(rows.loc[w, "estimate"] - fit.params[f"w{w}"]) < TOL, w
        assert abs(rows.loc[w, "std_error"] - fit.bse[f"w{w}"]) < TOL, w
        assert abs(rows.loc[w, "p_value"] - fit.pvalues[f"w{w}"]) < TOL, w
    # the joint pre-trend test: every pre-launch week's coefficient = 0
    pre = [f"w{w}" for w in weeks if w < REFERENCE]
    restriction = np.zeros((len(pre), len(fit.params)))
    for i, c in enumerate(pre):
        restriction[i, fit.params.index.get_loc(c)] = 1.0
    wald = fit.wald_test(restriction, use_f=False, scalar=True)
    assert abs(rows.pre_trend_wald_statistic.iloc[0] - wald.statistic) < TOL * max(1, wald.statistic)
    assert rows.pre_trend_degrees_of_freedom.iloc[0] == len(pre)
    assert abs(rows.pre_trend_p_value.iloc[0] - wald.pvalue) < TOL


def true_effect_per_row(panel: pd.DataFrame, truth: pd.DataFrame) -> pd.Series:
    """The simulator's true ATT of each treated post-launch creator-day, 0 elsewhere."""
    tau = {(pd.Timestamp(r.launched_on).date(), int(r.weeks_since_launch)): r.true_att
           for r in truth[truth.metric_name == "videos_published_per_creator_day"].itertuples()}
    on = (panel.treated == 1) & (panel.event_week >= 0)
    return pd.Series(np.where(on, [tau.get((c, w), np.nan) for c, w in zip(panel.cohort, panel.event_week)], 0.0),
                     index=panel.index)


def event_study_target(panel: pd.DataFrame, tau: pd.Series, weeks: list[int]) -> pd.Series:
    """What the pooled coefficients estimate when the creator-day effect is tau:
    the same regression with y = tau (the noise and the fixed effects drop out),
    solved by within-stack two-way demeaning of every column (balanced stacks),
    so it also runs on the default preset without a dense dummy matrix."""
    cols = {f"w{w}": (panel.treated * (panel.event_week == w)).astype(float) for w in weeks}
    frame = pd.DataFrame(cols).assign(tau=tau.values, stack=panel.stack_id.values,
                                      unit=(panel.stack_id + "|" + panel.creator_id).values, day=panel.d.values)
    demeaned = {}
    for c in list(cols) + ["tau"]:
        v = frame[c]
        demeaned[c] = (v - frame.groupby("unit")[c].transform("mean") - frame.groupby(["stack", "day"])[c].transform("mean")
                       + frame.groupby("stack")[c].transform("mean"))
    X = np.column_stack([demeaned[c] for c in cols])
    beta = np.linalg.solve(X.T @ X, X.T @ demeaned["tau"].values)
    return pd.Series(beta, index=weeks)


def test_event_study_target_equals_statsmodels_on_the_truth(small_panel, sim_dir):
    """The target function used against the default preset is the regression's estimand."""
    truth = pd.read_csv(sim_dir / "truth" / "rollout_event_effects.csv")
    tau = true_effect_per_row(small_panel, truth)
    assert tau.notna().all()
    fit, weeks, _ = statsmodels_event_study(small_panel, y=tau)
    target = event_study_target(small_panel, tau, weeks)
    for w in weeks:
        assert abs(target[w] - fit.params[f"w{w}"]) < 1e-9, w


@pytest.fixture(scope="module")
def default_event_study(default_dataset):
    con = duckdb.connect(str(default_dataset / SANDBOX_DUCKDB), read_only=True)
    panel = con.execute(
        "select cohort_launched_on as cohort, cast(cohort_launched_on as varchar) as stack_id, creator_id, country, "
        "activity_date as d, case when is_treated_cohort then 1.0 else 0.0 end as treated, event_week, "
        "outcome_value as y from int_rollout_event_study_panel where outcome_name = ?", [OUTCOME]).df()
    study = con.execute("select * from fct_rewards_event_study where outcome_name = ? order by event_week",
                        [OUTCOME]).df()
    con.close()
    panel["cohort"] = pd.to_datetime(panel.cohort).dt.date
    truth = pd.read_csv(default_dataset / "truth" / "rollout_event_effects.csv")
    return panel, study, truth


def test_event_study_covers_the_dynamic_truth_on_the_default_preset(default_event_study):
    """The 95% intervals cover the regression's target under the true dynamic
    effects in at least 80% of the weeks with data, and the truth itself (0
    before launch; after launch the cohorts' true effects weighted by their
    treated creator-days in the week) in at least 80% too."""
    panel, study, truth = default_event_study
    assert (truth.effect_mode == "dynamic").all()
    rows = study[~study.is_reference_week & study.estimate.notna()].set_index("event_week")
    weeks = rows.index.tolist()
    tau = true_effect_per_row(panel, truth)
    target = event_study_target(panel, tau, weeks)
    treated = panel[panel.treated == 1].assign(tau=tau[panel.treated == 1])
    weighted = treated.groupby("event_week").tau.mean().reindex(weeks)
    table = pd.DataFrame({"estimate": rows.estimate, "ci_lower": rows.ci_lower, "ci_upper": rows.ci_upper,
                          "regression_target": target, "weighted_truth": weighted})
    table["covers_target"] = (table.ci_lower <= target) & (target <= table.ci_upper)
    table["covers_truth"] = (table.ci_lower <= weighted) & (weighted <= table.ci_upper)
    print("\n" + table.to_string())
    assert table.covers_target.mean() >= 0.8, table
    assert table.covers_truth.mean() >= 0.8, table
    assert (weighted[weighted.index >= 0] > 0).all()      # the truth is not trivially 0 after launch


@pytest.mark.xfail(strict=True, reason=(
    "known, measured 2026-12-07: on the default preset the cluster-robust Wald test of weeks -4..-2 "
    "rejects (W = 23.5, 3 df, p = 3e-5) although no pre-launch effect is simulated and each pre-launch "
    "interval covers 0: with 12 clusters (3 of them controls) the 3x3 cluster-robust covariance is "
    "poorly estimated, and the pooled stack weights leak post-launch heterogeneity into weeks -4/-3 "
    "(regression target 0.013 and 0.012). Needs a bootstrap Wald test or cohort-saturated weights."))
def test_event_study_pre_trend_test_does_not_reject_on_the_default_preset(default_event_study):
    _, study, _ = default_event_study
    assert study.pre_trend_p_value.iloc[0] > 0.05, study.pre_trend_p_value.iloc[0]


# --------------------------------------------------------------------------- few-cluster inference

@pytest.fixture(scope="module")
def did_panel(clean_raw, raw):
    """The stacked DiD panel of fct_rewards_rollout_did, rebuilt as test_creators.py does."""
    from test_creators import _stacked_panel
    creators = clean_raw("creators", "creators", "creator_id")
    videos = clean_raw("app", "videos", "video_id")
    events = clean_raw("app", "events", "event_id")
    rollouts = raw("creators", "program_rollouts").drop_duplicates(["country", "program"])
    rollouts = rollouts[rollouts.program == "creator_rewards"]
    videos["d"] = videos["published_at"].dt.date
    days = sorted(events["event_at"].dt.date.unique())
    return _stacked_panel(dict(creators=creators, videos=videos, rollouts=rollouts, days=days), placebo=False)


def wildboottest_wcr(panel: pd.DataFrame):
    """wildboottest's WCR (Rademacher, every sign vector: B > 2^G) on the dummy
    regression of test_creators._statsmodels_did; (t, t*, its own p-value)."""
    wildboottest = pytest.importorskip(
        "wildboottest.wildboottest",
        reason="the wildboottest package (requirements.txt) is not installed: the WCR p-values have no reference")
    from test_creators import _statsmodels_did
    _, _, _ = _statsmodels_did(panel)                     # asserts the design has full rank
    unit = pd.get_dummies(panel.stack_id + "|" + panel.creator_id, dtype=float)
    parts = [panel[["D"]], unit]
    for s in panel.stack_id.unique():
        parts.append(pd.get_dummies(panel.d.astype(str).where(panel.stack_id == s), dtype=float)
                     .add_prefix(f"{s}|").iloc[:, 1:])
    X = pd.concat(parts, axis=1)
    cluster = pd.factorize(panel.country)[0]
    G = len(np.unique(cluster))
    R = np.zeros(X.shape[1])
    R[0] = 1.0
    boot = wildboottest.WildboottestCL(X=X.values, Y=panel.y.astype(float).values, cluster=cluster, R=R,
                                       B=2 ** G + 1, seed=1, parallel=False)
    boot.get_scores(bootstrap_type="11", impose_null=True)
    _, B, enumerated = boot.get_weights(weights_type="rademacher")
    assert enumerated and B == 2 ** G
    boot.get_numer()
    boot.get_denom()
    boot.get_tboot()
    boot.get_vcov()
    boot.get_tstat()
    boot.get_pvalue(pval_type="two-tailed")
    return float(np.ravel(boot.t_stat)[0]), np.ravel(boot.t_boot), float(boot.pvalue)


def test_wild_bootstrap_p_values_equal_wildboottest(did_panel, warehouse):
    """Pooled and per-cohort WCR p-values equal wildboottest's full enumeration.
    wildboottest counts |t*| > |t| strictly; the sign vectors v = 1 and v = -1
    reproduce |t| exactly, so its strict count depends on rounding. The mart
    counts them (ties included, p >= 2 / 2^G); the reference applies the same
    rule to wildboottest's own t and t*, and its strict p-value differs by the
    ties alone."""
    wh = warehouse.execute(
        "select estimate_scope, estimate, std_error, clusters, wild_bootstrap_sign_vectors, wild_bootstrap_p_value, "
        "t_critical, t_ci_lower, t_ci_upper from fct_rewards_rollout_wild_bootstrap where outcome_name = ?",
        [OUTCOME]).df().set_index("estimate_scope")
    scopes = {"all": did_panel}
    scopes.update({s: g.reset_index(drop=True) for s, g in did_panel.groupby("stack_id")})
    assert sorted(wh.index) == sorted(scopes)
    from scipy import stats
    for scope, panel in scopes.items():
        t, t_boot, strict_p = wildboottest_wcr(panel)
        row = wh.loc[scope]
        assert row.wild_bootstrap_sign_vectors == len(t_boot) == 2 ** row.clusters
        assert abs(t - row.estimate / row.std_error) < 1e-6 * max(1, abs(t))
        ties = np.isclose(np.abs(t_boot), abs(t), rtol=1e-9, atol=0)
        reference = np.mean(np.abs(t_boot) >= abs(t) * (1 - 1e-9))
        assert abs(row.wild_bootstrap_p_value - reference) < 1e-6, (scope, row.wild_bootstrap_p_value, reference)
        assert abs(strict_p - (reference - np.mean(ties & ~(np.abs(t_boot) > abs(t))))) < 1e-6
        q = stats.t.ppf(0.975, row.clusters - 1)
        assert abs(row.t_critical - q) < 1e-12
        assert abs(row.t_ci_lower - (row.estimate - q * row.std_error)) < 1e-9


REPLAYS = 200


def replay_did_panel(counts: pd.DataFrame, window_days: int) -> pd.DataFrame:
    """int_rollout_did_panel's stacking (one stack per launch inside the window up
    to the day before the next launch; cohort + not-yet/never-treated countries)
    applied to every replicate at once: estimate_group = the replicate."""
    cohorts = sorted({int(d) for d in counts.launch_day.dropna() if 0 < d < window_days})
    stacks = []
    for i, c in enumerate(cohorts):
        end = cohorts[i + 1] - 1 if i + 1 < len(cohorts) else window_days - 1
        s = counts[(counts.day <= end)
                   & ((counts.launch_day == c) | counts.launch_day.isna() | (counts.launch_day > end))]
        stacks.append(pd.DataFrame({
            "estimate_group": "r" + s.replicate_id.astype(str).str.zfill(3),
            "stack_id": c, "unit_id": s.creator_id, "period": s.day, "cluster_id": s.country,
            "y": s.videos_published.astype(float),
            "d": ((s.launch_day == c) & (s.day >= c)).astype(int)}))
    return pd.concat(stacks, ignore_index=True)


@pytest.mark.slow
def test_wild_bootstrap_rejects_at_about_alpha_under_a_zero_effect(compile_inline, tmp_path):
    """REPLAYS replays of the small preset's rollout with no effect
    (simulator rollout_effect='zero': same world, new Poisson draws), estimated
    by one run of the mart's SQL (stacked_did_estimate + wild_cluster_bootstrap_matrix + _p_values)
    over a replicate dimension: the pooled WCR rejects H0 at 5% at a rate inside
    the 99% binomial band around 5%."""
    from scipy import stats
    from simulator.config import make_config
    from simulator.rollout_dynamics import replicate_posting_counts
    cfg = make_config(str(tmp_path), "small", seed=42, rollout_effect="zero")
    panel = replay_did_panel(replicate_posting_counts(cfg, REPLAYS), cfg.days)
    path = tmp_path / "replays.parquet"
    panel.to_parquet(path)
    sql = compile_inline(
        "with did_panel as (select * from read_parquet('" + str(path) + "')),\n"
        "{{ stacked_did_estimate('did_panel', 'did') }},\n"
        "{{ wild_cluster_bootstrap_matrix('did', 'wcm', 12, pooled_only=true) }},\n"
        "{{ wild_cluster_bootstrap_p_values('wcm_cluster_matrix', 'wcr', 12) }}\n"
        "select did_estimated.estimate_group, did_estimated.estimate_scope, did_estimated.estimate, "
        "did_estimated.std_error, wcr_p_values.p_value from did_estimated inner join wcr_p_values "
        "on did_estimated.estimate_group = wcr_p_values.estimate_group "
        "and did_estimated.estimate_scope = wcr_p_values.estimate_scope")
    con = duckdb.connect(config={"threads": 1})
    result = con.execute(sql).df()
    con.close()
    result["normal_p"] = 2 * stats.norm.sf(np.abs(result.estimate / result.std_error))
    rates = result.groupby("estimate_scope")[["p_value", "normal_p"]].agg(lambda p: np.mean(p < 0.05))
    low, high = stats.binom.ppf([0.005, 0.995], REPLAYS, 0.05) / REPLAYS
    print(f"\nrejection rates at 5% over {REPLAYS} zero-effect replays (99% binomial band {low:.3f}-{high:.3f}):\n"
          + rates.rename(columns={"p_value": "wild_bootstrap", "normal_p": "cluster_robust_normal"}).to_string())
    assert result.estimate_group.nunique() == REPLAYS
    assert low <= rates.loc["all", "p_value"] <= high, rates
