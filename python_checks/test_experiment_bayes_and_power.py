"""The Bayesian readout (chance_to_win, expected_loss), mde_relative and
fct_experiment_power_planning against independent scipy / statsmodels / pandas computations
(docs/experimentation.md, Bayesian readout and Power planning).

References: the Gaussian posterior is written here in its precision form (GrowthBook's
details.mdx, equations 5-6), the chance to win is scipy's norm.sf and the expected loss is
P(loss) x E[loss | loss] from scipy's truncated normal, so none of the SQL's closed forms is
reused. Sample sizes come from statsmodels' NormalIndPower.
"""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.power import NormalIndPower

from conftest import run_sandbox, sandbox_env

ALPHA = 0.05  # var experiment_alpha's default
POWER = 0.8
WINDOW_DAYS = 28
PRE_PERIOD_DAYS = 14


def gaussian_posterior(estimate, se, prior_mean=None, prior_sd=None):
    """Posterior mean and sd of N(estimate, se^2) x N(prior_mean, prior_sd^2); flat without a prior."""
    estimate, se = np.asarray(estimate, float), np.asarray(se, float)
    if not prior_sd:
        return estimate, se
    precision = 1 / se**2 + 1 / prior_sd**2
    return (estimate / se**2 + prior_mean / prior_sd**2) / precision, np.sqrt(1 / precision)


def bayes_reference(estimate, se, direction, prior_mean=None, prior_sd=None):
    """Chance to win and expected loss of choosing the treatment, as GrowthBook's
    EffectBayesianABTest defines them (risk = -P(D < 0) E[D | D < 0]), oriented so that the
    preferred direction is a win."""
    mean, sd = gaussian_posterior(estimate, se, prior_mean, prior_sd)
    sign = np.where(np.asarray(direction) == "decrease", -1.0, 1.0)
    win_mean = sign * mean  # the posterior of s x D
    chance = stats.norm.sf(0, loc=win_mean, scale=sd)
    p_loss = stats.norm.cdf(0, loc=win_mean, scale=sd)
    mean_given_loss = stats.truncnorm.mean(-np.inf, (0 - win_mean) / sd, loc=win_mean, scale=sd)
    loss = np.where(p_loss > 0, -p_loss * np.nan_to_num(mean_given_loss), 0.0)
    return chance, loss


@pytest.fixture(scope="module")
def results(warehouse) -> pd.DataFrame:
    return warehouse.execute("select * from fct_experiment_results").df()


@pytest.fixture(scope="module")
def planning(warehouse) -> pd.DataFrame:
    return warehouse.execute("select * from fct_experiment_power_planning").df().set_index("metric_name")


def relative_standard_error(rows: pd.DataFrame) -> np.ndarray:
    """SE(relative_effect) read back from the row's (1 - alpha) interval."""
    z = stats.norm.ppf(1 - rows["alpha"].to_numpy() / 2)
    return (rows["relative_ci_upper"] - rows["relative_ci_lower"]).to_numpy() / (2 * z)


def test_chance_to_win_and_expected_loss_on_the_marts_rows_match_scipy(results):
    """Flat prior (the default vars): the posterior is the relative effect's likelihood."""
    tested = results[results["z_statistic"].notna()]
    assert len(tested) > 100 and tested["chance_to_win"].notna().all()
    # no test, no probability (is_sample_sufficient false, degenerate slices)
    assert results.loc[results["z_statistic"].isna(), ["chance_to_win", "expected_loss"]].isna().all().all()
    assert results.loc[~results["is_sample_sufficient"], "chance_to_win"].isna().all()
    chance, loss = bayes_reference(tested["relative_effect"], relative_standard_error(tested),
                                   tested["preferred_direction"])
    # tolerance 1e-9 absolute (both are probabilities or fractions of the control mean)
    assert np.max(np.abs(tested["chance_to_win"] - chance)) < 1e-9
    assert np.max(np.abs(tested["expected_loss"] - loss)) < 1e-9
    # the rows span both sides: wins and losses are both read
    assert tested["chance_to_win"].min() < 0.1 and tested["chance_to_win"].max() > 0.9


def test_bayesian_macros_with_a_proper_prior_match_scipy(compile_inline):
    """The macros rendered with GrowthBook's proper default N(0, 0.3^2) shifted to mean 0.01,
    over a grid of estimates, standard errors and both preferred directions."""
    prior_mean, prior_sd = 0.01, 0.3
    sql = compile_inline(
        "with posterior as (select estimate, se, direction,"
        f" {{{{ posterior_win_z('estimate', 'se', 'direction', {prior_mean}, {prior_sd}) }}}} as win_z,"
        f" {{{{ gaussian_posterior_standard_deviation('se', {prior_sd}) }}}} as posterior_sd from grid)"
        " select *, {{ normal_cdf('win_z') }} as chance_to_win,"
        " {{ posterior_expected_loss('win_z', 'posterior_sd') }} as expected_loss from posterior"
        " ;; select estimate, se, direction,"
        " {{ posterior_win_z('estimate', 'se', 'direction', 0.01, 0) }} as win_z_sd_0,"
        " {{ posterior_win_z('estimate', 'se', 'direction', 0.01, none) }} as win_z_flat from grid"
    )
    proper_sql, flat_sql = [s.strip() for s in sql.split(";;")]
    estimates = np.r_[np.linspace(-0.5, 0.5, 41), 1e-6, -1e-6]
    ses = np.array([0.002, 0.01, 0.05, 0.2, 0.6])
    grid = pd.DataFrame([(e, s, d) for e in estimates for s in ses for d in ["increase", "decrease"]],
                        columns=["estimate", "se", "direction"])
    con = duckdb.connect(config={"threads": 1})
    con.register("grid", grid)
    got = con.execute(proper_sql).df()
    chance, loss = bayes_reference(got["estimate"], got["se"], got["direction"], prior_mean, prior_sd)
    assert np.max(np.abs(got["chance_to_win"] - chance)) < 1e-9  # 1e-9 absolute
    assert np.max(np.abs(got["expected_loss"] - loss)) < 1e-9
    # the prior matters on this grid (a wide se is pulled towards the prior mean) ...
    flat_chance, _ = bayes_reference(got["estimate"], got["se"], got["direction"])
    assert np.max(np.abs(flat_chance - chance)) > 0.05
    # ... and sd 0 or none is the flat prior: z = s x estimate / se
    flat = con.execute(flat_sql).df()
    sign = np.where(flat["direction"] == "decrease", -1.0, 1.0)
    assert np.allclose(flat["win_z_sd_0"], sign * flat["estimate"] / flat["se"], rtol=1e-12, atol=0)
    assert np.allclose(flat["win_z_flat"], flat["win_z_sd_0"], rtol=0, atol=0)


def test_the_model_reads_the_prior_vars(new_sandbox, sim_dir, warehouse, results):
    """fct_experiment_results compiled with a proper prior (vars experiment_prior_mean / _sd) and
    run over the same warehouse gives scipy's posterior of each row's relative effect."""
    prior_mean, prior_sd = 0.02, 0.05
    root = new_sandbox("prior_vars")
    compiled = run_sandbox(root, ["compile", "--quiet", "--select", "fct_experiment_results", "--vars",
                                  f"{{experiment_prior_mean: {prior_mean}, experiment_prior_sd: {prior_sd}}}"],
                           sandbox_env(root, sim_dir / "raw"))
    assert compiled.returncode == 0, compiled.stdout[-3000:]
    sql = next((root / "target" / "compiled").rglob("fct_experiment_results.sql")).read_text()
    keys = ["experiment_id", "metric_name", "treatment_variant", "segment_name", "segment_value", "variance_reduction"]
    got = warehouse.execute(sql).df().merge(results[keys + ["chance_to_win"]], on=keys, suffixes=("", "_flat"))
    assert len(got) == len(results)
    tested = got[got["z_statistic"].notna()]
    chance, loss = bayes_reference(tested["relative_effect"], relative_standard_error(tested),
                                   tested["preferred_direction"], prior_mean, prior_sd)
    assert np.max(np.abs(tested["chance_to_win"] - chance)) < 1e-9  # 1e-9 absolute
    assert np.max(np.abs(tested["expected_loss"] - loss)) < 1e-9
    assert np.max(np.abs(tested["chance_to_win"] - tested["chance_to_win_flat"])) > 0.05  # the prior is read


def test_a_bad_prior_stops_the_build_naming_the_var(parsed_project, sim_dir):
    env = sandbox_env(parsed_project, sim_dir / "raw")
    for prior_sd, problem in [("-0.1", "must be >= 0"), ("'wide'", "must be a finite number")]:
        result = run_sandbox(parsed_project, ["compile", "--quiet", "--inline",
                                              f"select {{{{ gaussian_posterior_standard_deviation('se', {prior_sd}) }}}}"],
                             env)
        assert result.returncode != 0
        assert "var experiment_prior_sd" in result.stdout and problem in result.stdout, result.stdout[-2000:]


def test_mde_relative_matches_normal_ind_power(results):
    """mde_relative = (z_{1-alpha/2} + z_{0.8}) SE. Read each row's SE as that of a 50/50 test
    with 100 units per arm and unit sd sigma = SE sqrt(50) (SE^2 = 2 sigma^2 / 100): then the
    standardized effect mde / sigma must need nobs1 = 100 per arm in NormalIndPower for 80 %
    power in the one-sided test at alpha / 2 (the two-sided test without its wrong-direction
    tail: the contract's formula), and gives the full two-sided test at 100 units per arm a power
    of 0.8 within 1e-6 (that tail is 9.7e-7). (statsmodels' root finder fails near nobs1 = 2,
    hence 100.)"""
    # a relative effect needs a non-zero control mean (the marketplace viewers of exp_012 never
    # like a video: likes_per_user is 0 in both arms)
    has_relative = results["is_sample_sufficient"] & results["control_mean"].ne(0)
    rows = results[has_relative]
    assert len(rows) > 100 and rows["mde_relative"].notna().all()
    assert results.loc[~has_relative, "mde_relative"].isna().all()
    sigma = relative_standard_error(rows) * np.sqrt(50)
    effect_size = rows["mde_relative"].to_numpy() / sigma
    nobs1 = np.array([NormalIndPower().solve_power(effect_size=e, alpha=ALPHA / 2, power=POWER, ratio=1,
                                                   alternative="larger") for e in effect_size])
    assert np.max(np.abs(nobs1 / 100 - 1)) < 1e-6  # relative
    two_sided = NormalIndPower().power(effect_size=effect_size, nobs1=100, alpha=ALPHA, ratio=1,
                                       alternative="two-sided")
    assert np.max(np.abs(two_sided - POWER)) < 1e-6


def test_planning_days_match_normal_ind_power(planning):
    """days = 2 arms x nobs1 / units_per_day, nobs1 from NormalIndPower for the absolute effect
    m x baseline_mean with the unit sd sqrt(baseline_variance). The mart's days are unrounded,
    so they are compared as they are: to 1e-6 relative against the k of the contract (one-sided
    at alpha / 2), and to 3e-6 against the exact two-sided solve (the wrong-direction tail's
    2.4e-6 fewer units, docs/experimentation.md)."""
    assert len(planning) == 10 and planning["days_needed_1pct"].notna().all()
    for label, m in [("1pct", 0.01), ("2pct", 0.02), ("5pct", 0.05)]:
        for metric, row in planning.iterrows():
            effect_size = m * row["baseline_mean"] / np.sqrt(row["baseline_variance"])
            for alternative, alpha, tolerance in [("larger", ALPHA / 2, 1e-6), ("two-sided", ALPHA, 3e-6)]:
                nobs1 = NormalIndPower().solve_power(effect_size=effect_size, alpha=alpha, power=POWER, ratio=1,
                                          alternative=alternative)
                days = 2 * nobs1 / row["units_per_day"]
                got = row[f"days_needed_{label}"]
                assert abs(got / days - 1) < tolerance, (metric, label, alternative, got, days)


@pytest.fixture(scope="module")
def staged(warehouse):
    """The staged rows the planning window reads, and the window's days."""
    events = warehouse.execute(
        "select user_id, event_type, cast(event_at as date) as day, watch_seconds from stg_app__events").df()
    end = pd.Timestamp(pd.to_datetime(events["day"]).max())
    start = end - pd.Timedelta(days=WINDOW_DAYS - 1)
    return events, (start - pd.Timedelta(days=PRE_PERIOD_DAYS), start, end)


def _window_sums(rows: pd.DataFrame, key: str, value: str, days) -> tuple[pd.Series, pd.Series]:
    pre_start, start, end = days
    day = pd.to_datetime(rows["day"])
    in_window = rows[(day >= start) & (day <= end)].groupby(key)[value].sum()
    pre_period = rows[(day >= pre_start) & (day < start)].groupby(key)[value].sum()
    return in_window, pre_period


def _check_mean_metric(row, y: np.ndarray, x: np.ndarray):
    units = len(y)
    assert row["units"] == units
    assert row["units_per_day"] == pytest.approx(units / WINDOW_DAYS, rel=1e-12)
    assert row["baseline_mean"] == pytest.approx(y.mean(), rel=1e-9)
    assert row["baseline_variance"] == pytest.approx(y.var(ddof=1), rel=1e-9)
    rho = np.corrcoef(y, x)[0, 1]
    assert row["cuped_variance"] == pytest.approx(y.var(ddof=1) * (1 - rho**2), rel=1e-9)


def test_planning_baselines_match_pandas_on_the_staged_rows(warehouse, planning, staged):
    """Watch seconds per user (mean, with covariate), CTR (ratio) and submissions per labeler,
    recomputed in pandas from staging: a user unit is a user with a staged app event in the last
    28 days, a labeler unit a labeler with a submission; values summed over the window, the
    covariate over the 14 days before it, 0 without activity."""
    events, days = staged
    pre_start, start, end = days
    day = pd.to_datetime(events["day"])
    users = pd.Index(events.loc[(day >= start) & (day <= end), "user_id"].unique())

    views = events[events["event_type"] == "video_view"].fillna({"watch_seconds": 0})
    watch, watch_pre = _window_sums(views, "user_id", "watch_seconds", days)
    _check_mean_metric(planning.loc["watch_seconds_per_user"],
                       watch.reindex(users, fill_value=0).to_numpy(float),
                       watch_pre.reindex(users, fill_value=0).to_numpy(float))

    impressions = warehouse.execute(
        "select i.impression_id, i.user_id, cast(i.shown_at as date) as day, count(c.click_id) as clicks, 1 as shown"
        " from stg_ads__impressions i left join stg_ads__clicks c on c.impression_id = i.impression_id"
        " where i.user_id is not null group by all").df()
    clicks, _ = _window_sums(impressions, "user_id", "clicks", days)
    shown, _ = _window_sums(impressions, "user_id", "shown", days)
    y = clicks.reindex(users, fill_value=0).to_numpy(float)
    n = shown.reindex(users, fill_value=0).to_numpy(float)
    ratio = y.sum() / n.sum()
    row = planning.loc["ctr"]
    assert row["units"] == len(users)
    assert row["baseline_mean"] == pytest.approx(ratio, rel=1e-9)
    # the linearized unit value (Y - R N) / mean(N)
    assert row["baseline_variance"] == pytest.approx(np.var((y - ratio * n) / n.mean(), ddof=1), rel=1e-9)
    assert np.isnan(row["cuped_variance"])

    submissions = warehouse.execute(
        "select labeler_id, cast(submitted_at as date) as day, case when is_skipped then 0 else 1 end as answered"
        " from stg_labeling__submissions").df()
    sday = pd.to_datetime(submissions["day"])
    labelers = pd.Index(submissions.loc[(sday >= start) & (sday <= end), "labeler_id"].unique())
    answered, answered_pre = _window_sums(submissions, "labeler_id", "answered", days)
    _check_mean_metric(planning.loc["submissions_per_labeler"],
                       answered.reindex(labelers, fill_value=0).to_numpy(float),
                       answered_pre.reindex(labelers, fill_value=0).to_numpy(float))
    assert (planning["window_end_date"].astype("datetime64[ns]") == end).all()
