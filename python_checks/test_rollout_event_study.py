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


def cohort_weeks(panel: pd.DataFrame) -> list[tuple]:
    """The (cohort, week) pairs with treated creator-days: the interacted regressors."""
    on = panel[(panel.treated == 1) & panel.event_week.isin(EVENT_WEEKS)]
    return sorted(set(zip(on.cohort, on.event_week)))


def interaction_weights(panel: pd.DataFrame) -> pd.DataFrame:
    """Sun and Abraham's weights: weeks x (cohort, week) regressors, each week's
    row the cohorts' shares of its treated creator-days."""
    pairs = cohort_weeks(panel)
    counts = panel[panel.treated == 1].groupby(["cohort", "event_week"]).size()
    weeks = sorted({w for _, w in pairs})
    weights = pd.DataFrame(0.0, index=weeks, columns=pd.MultiIndex.from_tuples(pairs))
    for c, w in pairs:
        weights.loc[w, (c, w)] = counts[(c, w)] / counts.xs(w, level="event_week").sum()
    return weights


def design(panel: pd.DataFrame) -> pd.DataFrame:
    """The fully interacted dummy design: a treated x cohort x week regressor per
    cohort-week with data, stack x creator dummies, stack x day dummies less one per stack."""
    regs = pd.DataFrame({(c, w): ((panel.treated == 1) & (panel.cohort == c) & (panel.event_week == w)).astype(float)
                         for c, w in cohort_weeks(panel)})
    parts = [regs, pd.get_dummies(panel.stack_id + "|" + panel.creator_id, dtype=float)]
    for s in panel.stack_id.unique():
        day = pd.get_dummies(panel.d.astype(str).where(panel.stack_id == s), dtype=float).add_prefix(f"{s}|")
        parts.append(day.iloc[:, 1:])
    return pd.concat(parts, axis=1)


def statsmodels_event_study(panel: pd.DataFrame, y: pd.Series | None = None):
    """statsmodels OLS of the interacted design, country-clustered; the
    interaction-weighted estimates w'b and covariance w'Vw, with the fit."""
    X = design(panel)
    assert np.linalg.matrix_rank(X.values) == X.shape[1]
    X.columns = [str(c) for c in X.columns]
    fit = sm.OLS(panel.y if y is None else y, X).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(panel.country)[0]})
    weights = interaction_weights(panel)
    full = np.zeros((len(weights), X.shape[1]))
    for i, pair in enumerate(weights.columns):
        full[:, X.columns.get_loc(str(pair))] = weights[pair].values
    estimate = full @ fit.params.values
    covariance = full @ fit.cov_params().values @ full.T
    return fit, pd.Series(estimate, index=weights.index), pd.DataFrame(covariance, weights.index, weights.index), full


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
    """Estimates, cluster-robust errors, p-values and the Wald pre-trend test
    equal statsmodels' interacted regression read through the interaction
    weights, to 1e-6."""
    from scipy import stats
    fit, estimate, covariance, full = statsmodels_event_study(small_panel)
    wh = warehouse.execute(
        "select * from fct_rewards_event_study where outcome_name = ? order by event_week", [OUTCOME]).df()
    assert wh.event_week.tolist() == list(range(-WEEKS_BEFORE, WEEKS_AFTER + 1))
    ref = wh[wh.is_reference_week].iloc[0]
    assert ref.event_week == REFERENCE and ref.estimate == 0 and pd.isna(ref.std_error)
    rows = wh[~wh.is_reference_week].set_index("event_week")
    weeks = estimate.index.tolist()
    assert rows.estimate.notna().sum() == len(weeks)          # weeks without treated rows: null
    assert (rows.observations == len(small_panel)).all() and (rows.parameters == fit.params.size).all()
    assert (rows.clusters == small_panel.country.nunique()).all()
    assert (rows.stacks == small_panel.stack_id.nunique()).all()
    for w in weeks:
        se = np.sqrt(covariance.loc[w, w])
        assert abs(rows.loc[w, "estimate"] - estimate[w]) < TOL, w
        assert abs(rows.loc[w, "std_error"] - se) < TOL, w
        assert abs(rows.loc[w, "p_value"] - 2 * stats.norm.sf(abs(estimate[w] / se))) < TOL, w
    # the joint pre-trend test: every pre-launch week's interaction-weighted estimate = 0
    pre = [i for i, w in enumerate(weeks) if w < REFERENCE]
    wald = fit.wald_test(full[pre], use_f=False, scalar=True)
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


def weighted_truth(panel: pd.DataFrame, tau: pd.Series) -> pd.Series:
    """The week's true ATT over its treated creator-days (0 before launch)."""
    treated = panel[(panel.treated == 1) & (panel.event_week != REFERENCE)]
    return tau[treated.index].groupby(treated.event_week).mean()


def test_event_study_estimand_is_the_weighted_truth(small_panel, sim_dir):
    """With y = the true effect (noise and fixed effects gone), statsmodels'
    interaction-weighted estimates equal the true ATT over each week's
    treated creator-days: the estimand the default-preset check compares with."""
    truth = pd.read_csv(sim_dir / "truth" / "rollout_event_effects.csv")
    tau = true_effect_per_row(small_panel, truth)
    assert tau.notna().all()
    _, estimate, _, _ = statsmodels_event_study(small_panel, y=tau)
    target = weighted_truth(small_panel, tau)
    for w in estimate.index:
        assert abs(estimate[w] - target[w]) < 1e-9, w


def demean_in_stacks(values: np.ndarray, panel: pd.DataFrame) -> np.ndarray:
    """Two-way (stack x creator, stack x day) demeaning of a balanced stack, row by row."""
    v = pd.Series(values, index=panel.index)
    unit = panel.stack_id + "|" + panel.creator_id
    day = panel.stack_id + "|" + panel.d.astype(str)
    return (v - v.groupby(unit).transform("mean") - v.groupby(day).transform("mean")
            + v.groupby(panel.stack_id).transform("mean")).values


def numpy_wild_bootstrap_wald(panel: pd.DataFrame) -> tuple[float, np.ndarray]:
    """The WCR bootstrap of the interaction-weighted pre-trend Wald test by brute
    force: per cohort, the restricted fit (post-launch dummies only), then for
    each of the 2^G Rademacher vectors y* = fit + v e~ demeaned row by row,
    re-estimated, and W* from the bootstrap's own cluster-robust covariance.
    Linear in v, so the 2^G fits come from G unit-vector fits. (t, W*): the
    sample's W without the small-sample factor and the 2^G statistics."""
    import itertools
    clusters = sorted(panel.country.unique())
    G = len(clusters)
    weights = interaction_weights(panel)
    pre = [w for w in weights.index if w < REFERENCE]
    coef = np.zeros((G, len(pre)))            # d b*_pre / d v_h
    infl = np.zeros((G, G, len(pre)))         # d psi*_g,pre / d v_h
    for cohort, q in panel.groupby("cohort"):
        weeks = [w for w in weights.index if (cohort, w) in weights.columns]
        X = np.column_stack([demean_in_stacks(((q.treated == 1) & (q.event_week == w)).astype(float).values, q)
                             for w in weeks])
        y = demean_in_stacks(q.y.values, q)
        post = [i for i, w in enumerate(weeks) if w >= 0]
        Xr = X[:, post]
        resid = y - Xr @ np.linalg.solve(Xr.T @ Xr, Xr.T @ y)
        bread = np.linalg.inv(X.T @ X)
        w_pre = np.array([[weights.loc[w, (cohort, k)] if w == k else 0.0 for k in weeks] for w in pre])
        g_of_row = q.country.map({c: i for i, c in enumerate(clusters)}).values
        for h in np.unique(g_of_row):
            z = demean_in_stacks(resid * (g_of_row == h), q)     # M_D (v e~) for v = unit vector h
            response = bread @ (X.T @ z)
            e_star = z - X @ response
            scores = pd.DataFrame(X * e_star[:, None]).groupby(g_of_row).sum().reindex(range(G), fill_value=0).values
            coef[h] += w_pre @ response
            infl[:, h, :] += scores @ bread.T @ w_pre.T
    stats_ = []
    for signs in itertools.product([1.0, -1.0], repeat=G):
        v = np.array(signs)[::-1]                 # bit c of the vector's index = cluster c
        b = v @ coef
        psi = np.einsum("h,ghk->gk", v, infl)
        stats_.append(b @ np.linalg.solve(psi.T @ psi, b))
    return stats_[0], np.array(stats_)


def test_pre_trend_wild_bootstrap_equals_numpy_enumeration(small_panel, warehouse):
    """The mart's WCR p-value equals a brute-force numpy enumeration to 1e-6.
    wildboottest (0.3.2) tests one linear restriction at a time, so it has no
    joint Wald test to compare with; the reference re-estimates every
    bootstrap sample by row-level demeaning instead of the mart's reduced
    form (macro event_study_wild_bootstrap_matrix). Also: the sample's W from
    the all-ones vector equals the reported Wald statistic times G/(G-1) *
    (N-1)/(N-K), the small-sample factor the bootstrap leaves out."""
    observed, boot = numpy_wild_bootstrap_wald(small_panel)
    row = warehouse.execute(
        "select pre_trend_wald_statistic, pre_trend_wild_bootstrap_p_value, pre_trend_wild_bootstrap_sign_vectors, "
        "clusters, observations, parameters from fct_rewards_event_study where outcome_name = ? limit 1",
        [OUTCOME]).df().iloc[0]
    G, N, K = row.clusters, row.observations, row.parameters
    assert row.pre_trend_wild_bootstrap_sign_vectors == len(boot) == 2 ** G
    assert abs(row.pre_trend_wald_statistic * G / (G - 1) * (N - 1) / (N - K) - observed) < 1e-6 * observed
    reference = np.mean(boot >= observed * (1 - 1e-9))
    assert abs(row.pre_trend_wild_bootstrap_p_value - reference) < 1e-6, (row.pre_trend_wild_bootstrap_p_value, reference)
    assert 2 / 2 ** G <= reference < 1


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
    """The 95% intervals cover the truth (0 before launch; after launch the
    cohorts' true effects over the week's treated creator-days, the
    interaction-weighted estimand) in at least 80% of the weeks with data."""
    panel, study, truth = default_event_study
    assert (truth.effect_mode == "dynamic").all()
    rows = study[~study.is_reference_week & study.estimate.notna()].set_index("event_week")
    tau = true_effect_per_row(panel, truth)
    target = weighted_truth(panel, tau).reindex(rows.index)
    table = rows[["estimate", "ci_lower", "ci_upper"]].assign(truth=target)
    table["covers"] = (table.ci_lower <= table.truth) & (table.truth <= table.ci_upper)
    print("\n" + table.to_string())
    assert table.covers.mean() >= 0.8, table
    assert (target[target.index >= 0] > 0).all()      # the truth is not trivially 0 after launch


def test_event_study_pre_trend_test_does_not_reject_on_the_default_preset(default_event_study):
    """No pre-launch effect is simulated: the wild bootstrap pre-trend test does
    not reject at 5%. The chi-square p-value of the same Wald statistic is
    printed next to it: with 12 countries it over-rejects (the replays in
    test_pre_trend_tests_size_under_parallel_trends measure by how much)."""
    _, study, _ = default_event_study
    row = study.iloc[0]
    print(f"\npre-trend Wald {row.pre_trend_wald_statistic:.2f} on {row.pre_trend_degrees_of_freedom} df: "
          f"chi-square p = {row.pre_trend_p_value:.2g}, wild bootstrap p = {row.pre_trend_wild_bootstrap_p_value:.4f}")
    assert row.pre_trend_wild_bootstrap_p_value > 0.05, row


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


PRE_TREND_REPLAYS = 200


def replay_event_panel(counts: pd.DataFrame, window_days: int) -> pd.DataFrame:
    """int_rollout_event_study_panel's stacking applied to every replicate at
    once (estimate_group = the replicate): one stack per launch inside the
    window over -4 .. +6 weeks clipped to the window, its cohort and the
    countries not launched by the stack's last day."""
    cohorts = sorted({int(d) for d in counts.launch_day.dropna() if 0 < d < window_days})
    stacks = []
    for c in cohorts:
        first, last = max(0, c - 7 * WEEKS_BEFORE), min(window_days - 1, c + 7 * (WEEKS_AFTER + 1) - 1)
        s = counts[counts.day.between(first, last)
                   & ((counts.launch_day == c) | counts.launch_day.isna() | (counts.launch_day > last))]
        stacks.append(pd.DataFrame({
            "estimate_group": "r" + s.replicate_id.astype(str).str.zfill(3),
            "stack_id": c, "unit_id": s.creator_id, "period": s.day, "cluster_id": s.country,
            "y": s.videos_published.astype(float), "treated": (s.launch_day == c).astype(int),
            "event_week": (s.day - c) // 7}))
    return pd.concat(stacks, ignore_index=True)


@pytest.mark.slow
def test_pre_trend_tests_size_under_parallel_trends(compile_inline, tmp_path):
    """PRE_TREND_REPLAYS replays of the small preset's rollout (simulator
    replicate_posting_counts: the run's dynamic launch effect, no creator
    trends, so trends are parallel and no cohort moves before launch), each
    estimated by one run of the mart's SQL over a replicate dimension: the
    wild bootstrap pre-trend test rejects at 5% at a rate inside the 99%
    binomial band around 5%. The chi-square p-value of the same statistic is
    reported next to it (it over-rejects with 12 countries)."""
    from scipy import stats
    from simulator.config import make_config
    from simulator.rollout_dynamics import replicate_posting_counts
    cfg = make_config(str(tmp_path), "small", seed=42)
    panel = replay_event_panel(replicate_posting_counts(cfg, PRE_TREND_REPLAYS), cfg.days)
    path = tmp_path / "event_replays.parquet"
    panel.to_parquet(path)
    pre = [w for w in EVENT_WEEKS if w < REFERENCE]
    post = [w for w in EVENT_WEEKS if w >= 0]
    sql = compile_inline(
        "with study_panel as (select * from read_parquet('" + str(path) + "')),\n"
        f"{{{{ interaction_weighted_event_study('study_panel', 'study', {EVENT_WEEKS}) }}}},\n"
        f"{{{{ stacked_event_study_estimate('study_cohort_panel', 'restricted', {post}) }}}},\n"
        f"{{{{ event_study_wild_bootstrap_matrix('study', 'restricted', 'wbm', {len(pre)}) }}}},\n"
        f"{{{{ wild_bootstrap_wald_p_values('wbm_cluster_matrix', 'wild', {len(pre)}) }}}}\n"
        "select wild_p_values.estimate_group, wild_p_values.p_value, wild_p_values.wald_statistic, "
        "study_dimensions.clusters, study_dimensions.observations, study_dimensions.parameters "
        "from wild_p_values inner join study_dimensions "
        "on wild_p_values.estimate_group = study_dimensions.estimate_group")
    con = duckdb.connect()
    result = con.execute(sql).df()
    con.close()
    assert result.estimate_group.nunique() == PRE_TREND_REPLAYS
    g, n, k = result.clusters, result.observations, result.parameters
    result["chi_square_p"] = stats.chi2.sf(result.wald_statistic / (g / (g - 1) * (n - 1) / (n - k)), len(pre))
    rates = (result[["p_value", "chi_square_p"]] < 0.05).mean()
    low, high = stats.binom.ppf([0.005, 0.995], PRE_TREND_REPLAYS, 0.05) / PRE_TREND_REPLAYS
    print(f"\npre-trend rejection rates at 5% over {PRE_TREND_REPLAYS} replays with parallel trends "
          f"(99% binomial band {low:.3f}-{high:.3f}): wild bootstrap {rates.p_value:.3f}, "
          f"chi-square {rates.chi_square_p:.3f}")
    assert low <= rates.p_value <= high, rates
