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
    effects (pre-launch weeks: 0) in at least 80% of the weeks with data, and
    the joint pre-trend test does not reject at 5%."""
    panel, study, truth = default_event_study
    assert (truth.effect_mode == "dynamic").all()
    rows = study[~study.is_reference_week & study.estimate.notna()].set_index("event_week")
    weeks = rows.index.tolist()
    target = event_study_target(panel, true_effect_per_row(panel, truth), weeks)
    covered = (rows.ci_lower <= target) & (target <= rows.ci_upper)
    table = pd.DataFrame({"estimate": rows.estimate, "ci_lower": rows.ci_lower, "ci_upper": rows.ci_upper,
                          "target": target, "covered": covered})
    print("\n" + table.to_string())
    assert covered.mean() >= 0.8, table
    assert rows.pre_trend_p_value.iloc[0] > 0.05, rows.pre_trend_p_value.iloc[0]
    assert target[target.index >= 0].gt(0).all()      # the truth is not trivially 0 after launch
