"""Always-valid inference (issue 30): the asymptotic confidence sequence of Waudby-Smith et al.
(2023) as GrowthBook uses it, in fct_experiment_results, fct_experiment_results_daily and the
statistics macros (macros/statistics/confidence_sequence.sql).

1. The marts' sequential intervals and p-values equal the closed form, written here in
   GrowthBook's parameterisation (gbstats frequentist/tests.py: sequential_rho, the half-width
   sigma sqrt(2 (n rho^2 + 1) / (n^2 rho^2) ln(sqrt(n rho^2 + 1) / alpha)), sigma = SE sqrt(n),
   p = 1 / e-value), from the same sufficient statistics, to 1e-9.
2. Peeking: A/A experiments read every day. The fixed-horizon interval excludes 0 on some day
   far more often than alpha; the always-valid one at most at alpha (binomial 99 % band).
   The per-day sufficient statistics are simulated in numpy and the statistics computed by the
   project's SQL macros in DuckDB, checked against numpy day by day.
3. Cookie Cats through the import path: the 7-day retention effect is significant at the fixed
   horizon (published p 0.0016) and not under the always-valid interval.
"""
from __future__ import annotations

import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from conftest import REPO, SANDBOX_DUCKDB, run_sandbox, sandbox_env

ALPHA = 0.05  # var experiment_alpha's default
TUNING = 5000  # var experiment_sequential_tuning's default (GrowthBook's default N*)
MIN_UNITS = 100  # var experiment_min_units_per_arm's default
TOLERANCE = 1e-9  # absolute, or relative to max(1, |value|)
Z = stats.norm.ppf(1 - ALPHA / 2)


def growthbook_rho(alpha: float = ALPHA, tuning: float = TUNING) -> float:
    """rho of the two-sided mixture, tightest at tuning units (Waudby-Smith et al. 2023, as gbstats)."""
    return np.sqrt((-2 * np.log(alpha) + np.log(-2 * np.log(alpha) + 1)) / tuning)


def sequential_halfwidth(se, n, alpha: float = ALPHA):
    """Half-width of the (1 - alpha) confidence sequence for an estimate with standard error se
    after n units of the two arms: sigma = se sqrt(n) in GrowthBook's formula."""
    rho = growthbook_rho()
    s2 = np.square(se) * n
    return np.sqrt(s2) * np.sqrt(2 * (n * rho**2 + 1) * np.log(np.sqrt(n * rho**2 + 1) / alpha)
                                 / np.square(n * rho))


def sequential_p_value(effect, se, n):
    """1 / the normal-mixture e-value (rho fixed by alpha and the tuning), capped at 1."""
    rho = growthbook_rho()
    st2 = np.square(effect) * n / np.square(se)
    evalue = np.exp(rho**2 * st2 / (2 * (n * rho**2 + 1))) / np.sqrt(n * rho**2 + 1)
    return np.minimum(1.0, 1.0 / evalue)


def assert_close(actual, expected, what):
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    scale = np.maximum(1.0, np.abs(expected))
    worst = np.nanmax(np.abs(actual - expected) / scale) if len(expected) else 0.0
    assert np.array_equal(np.isnan(actual), np.isnan(expected)), f"{what}: nulls differ"
    assert worst <= TOLERANCE, f"{what}: largest difference {worst:.3g} > {TOLERANCE} (relative to max(1, |x|))"


# ---------------------------------------------------------------------------------------------
# 1. The marts against the closed form
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mart", ["fct_experiment_results", "fct_experiment_results_daily"])
def test_sequential_columns_equal_the_closed_form(warehouse, mart):
    rows = warehouse.execute(f"select * from {mart} where standard_error is not null").df()
    assert len(rows) > 100, f"{mart}: too few tested rows to check"
    n = (rows["control_units"] + rows["treatment_units"]).to_numpy(float)
    se = rows["standard_error"].to_numpy(float)
    # the delta-method SE of the relative effect, from the fixed-horizon interval of the same row
    relative_se = (rows["relative_ci_upper"] - rows["relative_effect"]).to_numpy(float) / Z
    half = sequential_halfwidth(se, n)
    relative_half = sequential_halfwidth(relative_se, n)
    assert_close(rows["sequential_ci_lower"], rows["absolute_effect"] - half, f"{mart}.sequential_ci_lower")
    assert_close(rows["sequential_ci_upper"], rows["absolute_effect"] + half, f"{mart}.sequential_ci_upper")
    assert_close(rows["relative_sequential_ci_lower"], rows["relative_effect"] - relative_half,
                 f"{mart}.relative_sequential_ci_lower")
    assert_close(rows["relative_sequential_ci_upper"], rows["relative_effect"] + relative_half,
                 f"{mart}.relative_sequential_ci_upper")
    tested = rows["p_value"].notna().to_numpy()
    expected_p = np.where(tested, sequential_p_value(rows["absolute_effect"].to_numpy(float), se, n), np.nan)
    assert_close(rows["p_value_sequential"], expected_p, f"{mart}.p_value_sequential")
    # the p-value is the inversion of the sequence: below alpha exactly when it excludes 0
    # (rows within 1e-9 of the boundary left out)
    p = rows["p_value_sequential"].to_numpy(float)
    clear = tested & (np.abs(p - ALPHA) > 1e-9)
    excludes_zero = ((rows["sequential_ci_lower"] > 0) | (rows["sequential_ci_upper"] < 0)).to_numpy()
    assert np.array_equal((p < ALPHA)[clear], excludes_zero[clear])
    # and never below the fixed-horizon p-value
    assert (p[tested] >= rows["p_value"].to_numpy(float)[tested] - 1e-12).all()


# ---------------------------------------------------------------------------------------------
# 2. Peeking: A/A replays read every day
# ---------------------------------------------------------------------------------------------

REPLAYS = 500
DAYS = 28
UNITS_PER_ARM_PER_DAY = 100  # about N* = 5000 units in the two arms after 25 days

DAILY_STATISTICS_SQL = """
{%- set variance = sample_covariance_from_sums('units', 'sum_value', 'sum_value', 'sum_value_squared') %}
with arms as (
    select
        replay, analysis_day, is_control, units,
        {{ arm_estimate("'mean'", 'sum_value', 'units', 'sum_value / units') }} as estimate,
        {{ arm_estimate_variance("'mean'", 'units', 'sum_value', 'units', '1.0e0', variance, '0.0e0', '0.0e0') }}
            as estimate_variance
    from sim_days
),
paired as (
    select
        t.replay, t.analysis_day, t.units + c.units as total_units,
        t.units >= {{ var('experiment_min_units_per_arm') }} and c.units >= {{ var('experiment_min_units_per_arm') }}
            as is_sample_sufficient,
        c.estimate as control_mean,
        t.estimate - c.estimate as absolute_effect,
        sqrt(t.estimate_variance + c.estimate_variance) as standard_error
    from arms as t
    inner join arms as c on t.replay = c.replay and t.analysis_day = c.analysis_day and c.is_control
    where not t.is_control
),
tested as (
    select
        paired.*,
        {{ effect_z_statistic('absolute_effect', 'standard_error', 'control_mean') }} as z_statistic,
        {{ normal_quantile(1 - var('experiment_alpha') / 2) }} as critical_z,
        {{ confidence_sequence_multiplier('total_units') }} as sequential_multiplier
    from paired
)
select
    replay, analysis_day, is_sample_sufficient, absolute_effect, standard_error,
    {{ two_sided_p_value('z_statistic') }} as p_value,
    {{ always_valid_p_value('z_statistic', 'total_units') }} as p_value_sequential,
    absolute_effect - critical_z * standard_error as absolute_ci_lower,
    absolute_effect + critical_z * standard_error as absolute_ci_upper,
    absolute_effect - sequential_multiplier * standard_error as sequential_ci_lower,
    absolute_effect + sequential_multiplier * standard_error as sequential_ci_upper
from tested
order by replay, analysis_day
"""


def simulate_aa_days(seed: int = 30) -> pd.DataFrame:
    """Per replay x day x arm the cumulative sufficient statistics of an A/A experiment: units
    arrive each day (Poisson), each with one skewed value (exponential, as activity counts are),
    identically distributed in both arms."""
    rng = np.random.default_rng(seed)
    frames = []
    for replay in range(REPLAYS):
        for is_control in (True, False):
            arrivals = rng.poisson(UNITS_PER_ARM_PER_DAY, DAYS)
            values = rng.exponential(1.0, arrivals.sum())
            ends = np.cumsum(arrivals)
            running = np.concatenate([[0.0], np.cumsum(values)])[ends]
            running_squared = np.concatenate([[0.0], np.cumsum(values * values)])[ends]
            frames.append(pd.DataFrame({
                "replay": replay, "analysis_day": np.arange(1, DAYS + 1), "is_control": is_control,
                "units": ends.astype(float), "sum_value": running, "sum_value_squared": running_squared}))
    return pd.concat(frames, ignore_index=True)


def numpy_daily_statistics(days: pd.DataFrame) -> pd.DataFrame:
    """The same statistics in numpy, independently of the SQL: Welch z and the closed form."""
    arm = days.copy()
    arm["mean"] = arm["sum_value"] / arm["units"]
    arm["variance"] = (arm["sum_value_squared"] - arm["units"] * arm["mean"] ** 2) / (arm["units"] - 1)
    control = arm[arm["is_control"]].set_index(["replay", "analysis_day"])
    treatment = arm[~arm["is_control"]].set_index(["replay", "analysis_day"])
    effect = treatment["mean"] - control["mean"]
    se = np.sqrt(treatment["variance"] / treatment["units"] + control["variance"] / control["units"])
    n = treatment["units"] + control["units"]
    out = pd.DataFrame({"absolute_effect": effect, "standard_error": se,
                        "p_value": 2 * stats.norm.sf(np.abs(effect / se)),
                        "p_value_sequential": sequential_p_value(effect, se, n),
                        "sequential_halfwidth": sequential_halfwidth(se, n),
                        "is_sample_sufficient": (control["units"] >= MIN_UNITS) & (treatment["units"] >= MIN_UNITS)})
    return out.sort_index().reset_index()


def test_peeking_every_day_inflates_the_fixed_horizon_but_not_the_sequential_rate(compile_inline):
    days = simulate_aa_days()
    con = duckdb.connect(config={"threads": 1})
    con.register("sim_days", days)
    sql_rows = con.execute(compile_inline(DAILY_STATISTICS_SQL)).df()
    # an analyst who reads the mart every day and stops the first day the interval excludes 0
    read = sql_rows[sql_rows["is_sample_sufficient"]]
    fixed_hits = int(read.assign(x=(read["absolute_ci_lower"] > 0) | (read["absolute_ci_upper"] < 0))
                     .groupby("replay")["x"].any().sum())
    sequential_hits = int(read.assign(x=(read["sequential_ci_lower"] > 0) | (read["sequential_ci_upper"] < 0))
                          .groupby("replay")["x"].any().sum())
    fixed_rate, sequential_rate = fixed_hits / REPLAYS, sequential_hits / REPLAYS
    print(f"\nA/A peeking over {REPLAYS} replays x {DAYS} daily looks, alpha {ALPHA}: "
          f"fixed-horizon interval excludes 0 on some day in {fixed_rate:.3f} of replays, "
          f"always-valid interval in {sequential_rate:.3f}")
    # fixed horizon: far above alpha (the 99 % Clopper-Pearson lower bound above 2 alpha)
    fixed_lower = stats.beta.ppf(0.005, fixed_hits, REPLAYS - fixed_hits + 1)
    assert fixed_lower > 2 * ALPHA, (
        f"fixed-horizon peeking rate {fixed_rate:.3f} (99% lower bound {fixed_lower:.3f}) is not far above {ALPHA}")
    # sequential: at most alpha, within the binomial 99 % band of Binomial(REPLAYS, alpha)
    band_top = stats.binom.ppf(0.99, REPLAYS, ALPHA)
    assert sequential_hits <= band_top, (
        f"always-valid peeking rate {sequential_rate:.3f}: {sequential_hits} replays > {band_top:.0f}, the top of "
        f"the binomial 99% band at alpha {ALPHA}")

    # the SQL macros computed what numpy computes
    reference = numpy_daily_statistics(days)
    assert len(sql_rows) == len(reference) == REPLAYS * DAYS
    for column in ["absolute_effect", "standard_error", "p_value", "p_value_sequential"]:
        assert_close(sql_rows[column], reference[column], f"SQL vs numpy {column}")
    assert_close(sql_rows["sequential_ci_upper"], reference["absolute_effect"] + reference["sequential_halfwidth"],
                 "SQL vs numpy sequential_ci_upper")
    assert (sql_rows["is_sample_sufficient"] == reference["is_sample_sufficient"]).all()


# ---------------------------------------------------------------------------------------------
# 3. Cookie Cats through the import path
# ---------------------------------------------------------------------------------------------

COOKIE_CATS = REPO / "python_checks" / "fixtures" / "cookie_cats"


@pytest.fixture(scope="module")
def cookie_cats_results(new_sandbox, warehouse_path, sim_dir):
    """fct_experiment_results with Cookie Cats imported (a sandbox on a copy of the warehouse;
    only the import path's three models run)."""
    import sys
    sys.path.insert(0, str(COOKIE_CATS))
    from convert import cookie_cats_to_import

    root = new_sandbox("sequential_imports")
    shutil.copy(warehouse_path, root / SANDBOX_DUCKDB)
    imports = root / "imports"
    (imports / "experiments").mkdir(parents=True)
    cookie_cats_to_import().to_csv(imports / "experiments" / "cookie_cats.csv", index=False)
    result = run_sandbox(root, ["run", "--select", "int_experiment_imports_validated",
                                "int_experiment_arm_statistics_aggregated", "fct_experiment_results"],
                         sandbox_env(root, sim_dir / "raw", SV_IMPORTS_PATH=str(imports)))
    assert result.returncode == 0, result.stdout[-4000:]
    con = duckdb.connect(str(root / SANDBOX_DUCKDB), read_only=True)
    try:
        return con.execute("select * from fct_experiment_results where experiment_id = 'cookie_cats' "
                           "and segment_name = 'all' and variance_reduction = 'none'").df().set_index("metric_name")
    finally:
        con.close()


def test_cookie_cats_retention_7_is_significant_only_at_the_fixed_horizon(cookie_cats_results):
    raw = pd.read_csv(COOKIE_CATS / "cookie_cats.csv")
    retained = raw["retention_7"].astype(str).str.lower().map({"true": 1.0, "false": 0.0})
    control, treatment = retained[raw["version"] == "gate_30"], retained[raw["version"] == "gate_40"]
    effect = treatment.mean() - control.mean()
    se = np.sqrt(treatment.var(ddof=1) / len(treatment) + control.var(ddof=1) / len(control))
    n = len(treatment) + len(control)
    p_fixed = 2 * stats.norm.sf(abs(effect / se))
    p_sequential = float(sequential_p_value(effect, se, n))
    print(f"\nCookie Cats 7-day retention, {n} players, effect {effect:+.5f}: fixed-horizon p {p_fixed:.5f} "
          f"(published 0.0016), always-valid p {p_sequential:.5f} (N* {TUNING})")
    assert round(p_fixed, 4) == 0.0016 and p_fixed < ALPHA
    assert p_sequential > ALPHA
    row = cookie_cats_results.loc["retention_7"]
    assert row.p_value == pytest.approx(p_fixed, abs=TOLERANCE)
    assert row.p_value_sequential == pytest.approx(p_sequential, abs=TOLERANCE)
    half = float(sequential_halfwidth(se, n))
    assert [row.sequential_ci_lower, row.sequential_ci_upper] == pytest.approx(
        [effect - half, effect + half], abs=TOLERANCE)
    # the fixed interval excludes 0, the always-valid one does not
    assert row.absolute_ci_upper < 0 < row.sequential_ci_upper


# ---------------------------------------------------------------------------------------------
# 4. The decision mode var
# ---------------------------------------------------------------------------------------------

def test_a_decision_mode_other_than_the_two_stops_the_compilation(parsed_project, sim_dir):
    """A misspelt var experiment_decision_mode stops dbt, naming the var (the two valid modes are
    the unit tests of fct_experiment_decisions)."""
    misspelt = "{{ experiment_decision_mode('sequentail') }}"
    result = run_sandbox(parsed_project, ["compile", "--quiet", "--inline", misspelt],
                         sandbox_env(parsed_project, sim_dir / "raw"))
    assert result.returncode != 0
    assert ("var experiment_decision_mode must be fixed_horizon or sequential, got 'sequentail'"
            in result.stdout + result.stderr), result.stdout[-2000:]
