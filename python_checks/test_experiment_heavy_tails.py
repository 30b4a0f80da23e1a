"""Heavy-tailed metrics (issue 30): capping, CUPED for ratio metrics, quantile metrics.

Every reference is computed here with numpy / statsmodels from the unit values of
int_experiment_unit_metrics_computed, never read from the SQL under test:
1. capping: the cap is numpy's linear quantile of the experiment's pooled unit values and the
   capped values are np.minimum (clip) with it;
2. ratio CUPED: the OLS of the linearized outcome on treatment and the linearized covariate
   (statsmodels) gives theta and the effect;
3. quantile metrics: a numpy implementation of the order-statistic interval (Deng, Knoblich &
   Yu 2018), and its coverage over simulated replays run through the project's macros;
4. the CI widths before / after capping and ratio CUPED on exp_009 and exp_005 at the default
   preset (printed: the closing note quotes them).
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from conftest import SANDBOX_DUCKDB

ALPHA = 0.05  # var experiment_alpha's default
Z = stats.norm.ppf(1 - ALPHA / 2)


def _query(db: Path, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True, config={"threads": 1})
    try:
        return con.execute(sql).df()
    finally:
        con.close()


@pytest.fixture(scope="module")
def units(warehouse) -> pd.DataFrame:
    return warehouse.execute("select * from int_experiment_unit_metrics_computed").df()


@pytest.fixture(scope="module")
def results(warehouse) -> pd.DataFrame:
    return warehouse.execute("select * from fct_experiment_results where data_source = 'platform'").df()


def _close(got: float, want: float, rel: float, what) -> None:
    assert abs(got - want) <= rel * max(abs(want), 1.0), (what, got, want)


# ---------------------------------------------------------------------------------------------
# 1. Capping
# ---------------------------------------------------------------------------------------------

def test_capped_values_are_numpy_linear_quantile_and_clip(units, results):
    """Each capped metric's cap is np.quantile (method 'linear') of the experiment's pooled
    uncapped unit values, all arms; numerator and covariate are clipped at it (tolerance 1e-9
    relative); the results rows report the cap, and their arm means are the clipped means."""
    capped = units[units["winsorize_quantile"].notna()]
    assert set(capped["metric_name"]) >= {"watch_seconds_per_user", "views_received_per_creator"}
    clipped_units = 0
    for (experiment, metric), u in capped.groupby(["experiment_id", "metric_name"]):
        q = u["winsorize_quantile"].iloc[0]
        raw = u["numerator_uncapped"].to_numpy(float)
        cap = np.quantile(raw, q, method="linear")
        assert u["winsorize_cap"].nunique() == 1
        _close(u["winsorize_cap"].iloc[0], cap, 1e-9, (experiment, metric, "cap"))
        np.testing.assert_allclose(u["numerator"], np.minimum(raw, cap), rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(u["covariate"], np.minimum(u["covariate_uncapped"].to_numpy(float), cap),
                                   rtol=1e-12, atol=1e-9)
        clipped_units += int((raw > cap).sum())
        rows = results[(results["experiment_id"] == experiment) & (results["metric_name"] == metric)]
        assert len(rows) > 0 and np.allclose(rows["winsorize_cap"], cap, rtol=1e-9)
        main = rows[(rows["segment_name"] == "all") & (rows["variance_reduction"] == "none")]
        for row in main.itertuples():
            control = u[u["variant"] == row.control_variant]["numerator_uncapped"].to_numpy(float)
            _close(row.control_mean, np.minimum(control, cap).mean(), 1e-9, (experiment, metric, "mean"))
    # not vacuous: about 1 % of the units of each capped metric lie above its cap
    assert clipped_units > 0.005 * len(capped)
    uncapped = units[units["winsorize_quantile"].isna()]
    assert uncapped["winsorize_cap"].isna().all()
    assert (uncapped["numerator"] == uncapped["numerator_uncapped"]).all()
    assert results.loc[~results["metric_name"].isin(capped["metric_name"]), "winsorize_cap"].isna().all()


# ---------------------------------------------------------------------------------------------
# 2. CUPED for ratio metrics
# ---------------------------------------------------------------------------------------------

def _linearized(arm: pd.DataFrame, numerator: str, denominator: str) -> np.ndarray:
    """The arm's linearized unit values R + (y - R n) / mean(n), R = sum(y) / sum(n): their mean
    is R, their variance / units the delta-method variance of R (Deng, Knoblich & Lu 2018)."""
    y, n = arm[numerator].to_numpy(float), arm[denominator].to_numpy(float)
    ratio = y.sum() / n.sum()
    return ratio + (y - ratio * n) / n.mean()


def test_ratio_cuped_equals_ols_on_linearized_values(units, results):
    """Every cuped row of a ratio metric (segments included) against statsmodels: the OLS of the
    linearized outcome on [1, treatment, linearized covariate] over the pair's units gives theta
    (the covariate coefficient) and the CUPED effect (the treatment coefficient); the standard
    error is the Welch one of the adjusted values L - theta K. Tolerance 1e-6 relative."""
    rows = results[(results["metric_kind"] == "ratio") & (results["variance_reduction"] == "cuped")]
    assert {"ctr", "gold_accuracy"} <= set(rows["metric_name"]) and rows["is_sample_sufficient"].any()
    assert (rows["segment_name"] != "all").any()
    for row in rows.itertuples():
        u = units[(units["experiment_id"] == row.experiment_id) & (units["metric_name"] == row.metric_name)]
        if row.segment_name != "all":
            u = u[u[row.segment_name] == row.segment_value]
        arms = {v: u[u["variant"] == v] for v in (row.control_variant, row.treatment_variant)}
        outcome = np.concatenate([_linearized(a, "numerator", "denominator") for a in arms.values()])
        covariate = np.concatenate([_linearized(a, "covariate", "covariate_denominator") for a in arms.values()])
        treated = np.concatenate([np.zeros(len(arms[row.control_variant])), np.ones(len(arms[row.treatment_variant]))])
        design = np.column_stack([np.ones_like(outcome), treated, covariate])
        if np.linalg.matrix_rank(design) < 3:
            # no covariate variation left within the arms (a tiny segment): no adjustment
            assert row.cuped_theta == 0, row
            continue
        ols = sm.OLS(outcome, design).fit()
        theta, effect = ols.params[2], ols.params[1]
        scale = abs(row.control_mean_unadjusted)
        _close(row.cuped_theta, theta, 1e-6, (row, "theta"))
        assert abs(row.absolute_effect - effect) <= 1e-6 * scale, (row, effect)
        if not row.is_sample_sufficient:
            continue
        adjusted = outcome - theta * covariate
        se = np.sqrt(sum(adjusted[treated == t].var(ddof=1) / (treated == t).sum() for t in (0, 1)))
        _close(row.standard_error, se, 1e-6, (row, "se"))
        _close(row.absolute_ci_lower, effect - Z * se, 1e-6, (row, "ci"))


# ---------------------------------------------------------------------------------------------
# 3. Quantile metrics
# ---------------------------------------------------------------------------------------------

def order_statistic_arm(values: np.ndarray, q: float) -> tuple[float, float]:
    """numpy: an arm's sample quantile (linear interpolation) and its variance from the order
    statistics x_(L), x_(U) of the outer (1 - alpha) interval, L, U = n q -/+ z sqrt(n q (1 - q))
    rounded outward (Deng, Knoblich & Yu 2018): ((x_(U) - x_(L)) / (2 z))^2."""
    x = np.sort(values)
    n = len(x)
    half_width = Z * np.sqrt(n * q * (1 - q))
    lower = max(1, int(np.floor(n * q - half_width)))
    upper = min(n, int(np.ceil(n * q + half_width)))
    return np.quantile(x, q, method="linear"), ((x[upper - 1] - x[lower - 1]) / (2 * Z)) ** 2


def test_quantile_rows_equal_numpy_order_statistics(units, results):
    """Every quantile-metric row (segments included): arm quantiles, the Welch interval of their
    difference with the order-statistic variances, the relative interval (delta method) and
    the p-value, against numpy / scipy (tolerance 1e-9 relative). No cuped rows, no pre-period
    test, no cap."""
    rows = results[results["metric_kind"] == "quantile"]
    assert {"watch_seconds_per_user_p50", "watch_seconds_per_user_p90"} <= set(rows["metric_name"])
    assert (rows["variance_reduction"] == "none").all() and rows["is_sample_sufficient"].any()
    assert rows[["cuped_theta", "pre_period_p_value", "winsorize_cap"]].isna().all().all()
    assert (rows["method"] == "welch_z_quantile_order_statistics").all()
    for row in rows.itertuples():
        u = units[(units["experiment_id"] == row.experiment_id) & (units["metric_name"] == row.metric_name)]
        if row.segment_name != "all":
            u = u[u[row.segment_name] == row.segment_value]
        q = u["quantile_level"].iloc[0]
        mc, vc = order_statistic_arm(u[u["variant"] == row.control_variant]["numerator"].to_numpy(float), q)
        mt, vt = order_statistic_arm(u[u["variant"] == row.treatment_variant]["numerator"].to_numpy(float), q)
        _close(row.control_mean, mc, 1e-9, (row, "control"))
        _close(row.treatment_mean, mt, 1e-9, (row, "treatment"))
        if not row.is_sample_sufficient or vt + vc == 0:
            continue
        diff, se = mt - mc, np.sqrt(vt + vc)
        scale = abs(mc) + se
        assert abs(row.absolute_ci_lower - (diff - Z * se)) <= 1e-9 * scale, row
        assert abs(row.absolute_ci_upper - (diff + Z * se)) <= 1e-9 * scale, row
        assert abs(row.p_value - 2 * stats.norm.sf(abs(diff / se))) <= 1e-9, row
        rel, rel_se = diff / mc, np.sqrt(vt / mc**2 + mt**2 * vc / mc**4)
        _close(row.relative_ci_lower, rel - Z * rel_se, 1e-9, (row, "relative"))


REPLAYS = 200
ARM_UNITS = 400


def test_quantile_interval_covers_the_true_difference(compile_inline):
    """200 simulated replays of a lognormal watch time (treatment x 1.1) through the project's
    quantile macros (compile_inline, in DuckDB): the interval of the p50 and of the p90
    difference covers the true difference at close to 95 % (inside the binomial 99 % band of
    each)."""
    rng = np.random.default_rng(20261207)
    mu, sigma, lift = 5.0, 1.2, 1.1
    frames = []
    for replay in range(REPLAYS):
        for arm, factor in ((0, 1.0), (1, lift)):
            frames.append(pd.DataFrame({"replay_id": replay, "arm": arm,
                                        "value": factor * rng.lognormal(mu, sigma, ARM_UNITS)}))
    data = pd.concat(frames, ignore_index=True)
    sql = compile_inline(
        "with levels as (select 0.5 as quantile_level union all select 0.9),"
        " ranked as (select levels.quantile_level, replay_id, arm, value,"
        " row_number() over (partition by levels.quantile_level, replay_id, arm order by value) as value_rank,"
        " count(*) over (partition by levels.quantile_level, replay_id, arm) as arm_units,"
        " {{ normal_quantile(0.975) }} as critical_z from replays cross join levels),"
        " arms as (select quantile_level, replay_id, arm, max(critical_z) as critical_z,"
        " {{ linear_interpolated_quantile('value', 'value_rank', 'arm_units', 'quantile_level') }} as estimate,"
        " max(case when value_rank = {{ quantile_interval_lower_rank('arm_units', 'quantile_level', 'critical_z') }}"
        " then value end) as lower_value,"
        " max(case when value_rank = {{ quantile_interval_upper_rank('arm_units', 'quantile_level', 'critical_z') }}"
        " then value end) as upper_value"
        " from ranked group by quantile_level, replay_id, arm),"
        " variances as (select *, {{ quantile_estimate_variance('lower_value', 'upper_value', 'critical_z') }}"
        " as estimate_variance from arms)"
        " select t.quantile_level, t.replay_id, t.estimate - c.estimate as difference,"
        " t.critical_z * sqrt(t.estimate_variance + c.estimate_variance) as half_width"
        " from variances as t inner join variances as c on t.quantile_level = c.quantile_level"
        " and t.replay_id = c.replay_id and t.arm = 1 and c.arm = 0")
    con = duckdb.connect(config={"threads": 1})
    con.register("replays", data)
    got = con.execute(sql).df()
    con.close()
    assert len(got) == 2 * REPLAYS
    low, high = stats.binom.ppf(0.005, REPLAYS, 0.95), stats.binom.ppf(0.995, REPLAYS, 0.95)
    for level, g in got.groupby("quantile_level"):
        truth = (lift - 1) * np.exp(mu + sigma * stats.norm.ppf(level))
        covered = int((np.abs(g["difference"] - truth) <= g["half_width"]).sum())
        print(f"\nquantile {level}: the interval covers the true difference in {covered} of {REPLAYS} replays")
        assert low <= covered <= high, (level, covered, low, high)
        # the SQL's intervals are the numpy implementation's (replay 0, tolerance 1e-9 relative)
        first = data[data["replay_id"] == 0]
        mc, vc = order_statistic_arm(first[first["arm"] == 0]["value"].to_numpy(), level)
        mt, vt = order_statistic_arm(first[first["arm"] == 1]["value"].to_numpy(), level)
        row = g[g["replay_id"] == 0].iloc[0]
        _close(row["difference"], mt - mc, 1e-9, level)
        _close(row["half_width"], Z * np.sqrt(vt + vc), 1e-9, level)


# ---------------------------------------------------------------------------------------------
# 4. What capping and ratio CUPED buy at the default preset
# ---------------------------------------------------------------------------------------------

def _welch_width(treatment: np.ndarray, control: np.ndarray) -> float:
    return 2 * Z * np.sqrt(treatment.var(ddof=1) / len(treatment) + control.var(ddof=1) / len(control))


def test_ci_width_before_and_after_capping_and_ratio_cuped(default_dataset):
    """exp_009 (views received per creator) and exp_005 (ctr; its watch-time guardrail), segment
    all, default preset: the interval width without capping (numpy, Welch on the uncapped unit
    values) and the mart's with capping, unadjusted and CUPED; ctr's width without and with
    ratio CUPED. Printed for the closing note; capping must narrow the heavy-tailed metrics and
    ratio CUPED must not widen ctr's interval."""
    db = default_dataset / SANDBOX_DUCKDB
    res = _query(db, "select * from fct_experiment_results where segment_name = 'all' "
                     "and experiment_id in ('exp_005', 'exp_009')")
    u = _query(db, "select * from int_experiment_unit_metrics_computed where experiment_id in ('exp_005', 'exp_009')")
    lines = []
    for experiment, metric in (("exp_009", "views_received_per_creator"), ("exp_005", "watch_seconds_per_user")):
        r = res[(res["experiment_id"] == experiment) & (res["metric_name"] == metric)].set_index("variance_reduction")
        m = u[(u["experiment_id"] == experiment) & (u["metric_name"] == metric)]
        t, c = (m[m["variant"] == r.loc["none", v]] for v in ("treatment_variant", "control_variant"))
        uncapped = _welch_width(t["numerator_uncapped"].to_numpy(float), c["numerator_uncapped"].to_numpy(float))
        capped = r.loc["none", "absolute_ci_upper"] - r.loc["none", "absolute_ci_lower"]
        cuped = r.loc["cuped", "absolute_ci_upper"] - r.loc["cuped", "absolute_ci_lower"]
        control_mean = r.loc["none", "control_mean_unadjusted"]
        lines.append(f"{experiment} {metric}: cap {r.loc['none', 'winsorize_cap']:.1f}; CI width uncapped "
                     f"{uncapped:.3f} ({uncapped / control_mean:.1%} of the control mean), capped {capped:.3f} "
                     f"({capped / control_mean:.1%}), capped + CUPED {cuped:.3f} ({cuped / control_mean:.1%})")
        # a capped metric, and a real narrowing (not rounding between the mart and numpy)
        assert pd.notna(r.loc["none", "winsorize_cap"]) and capped < (1 - 1e-6) * uncapped, lines[-1]
    r = res[res["metric_name"] == "ctr"].set_index("variance_reduction")
    none = r.loc["none", "absolute_ci_upper"] - r.loc["none", "absolute_ci_lower"]
    cuped = r.loc["cuped", "absolute_ci_upper"] - r.loc["cuped", "absolute_ci_lower"]
    lines.append(f"exp_005 ctr: CI width {none:.5f} ({none / r.loc['none', 'control_mean']:.1%} of the control "
                 f"ratio), with ratio CUPED {cuped:.5f} ({cuped / r.loc['none', 'control_mean']:.1%}); variance "
                 f"cut {1 - (cuped / none) ** 2:.1%}, theta {r.loc['cuped', 'cuped_theta']:.3f}")
    print("\n" + "\n".join(lines))
    assert cuped <= none * (1 + 1e-9), lines[-1]
