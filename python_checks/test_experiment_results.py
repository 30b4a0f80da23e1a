"""fct_experiment_results / fct_experiment_health against statsmodels / scipy on the same
unit-level data (int_experiment_unit_metrics_computed), and against the simulator's truth."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW
import statsmodels.api as sm

ALPHA = 0.05
MIN_UNITS = 100  # var experiment_min_units_per_arm's default


@pytest.fixture(scope="module")
def units(warehouse) -> pd.DataFrame:
    return warehouse.execute("select * from int_experiment_unit_metrics_computed").df()


@pytest.fixture(scope="module")
def results(warehouse) -> pd.DataFrame:
    return warehouse.execute(
        "select * from fct_experiment_results where data_source = 'platform'").df()


def _segment_frame(units: pd.DataFrame, name: str, value: str) -> pd.DataFrame:
    if name == "all":
        return units
    return units[units[name] == value]


def reference_row(seg: pd.DataFrame, kind: str, control: str, treatment: str, reduction: str) -> dict:
    """Independent computation of one result row: statsmodels for means (CUPED: the OLS of Y on
    treatment and the centred covariate over the pair's units gives theta and the effect),
    numpy's delta method for ratios over every unit (zero denominators included)."""
    pair = seg[seg["variant"].isin([control, treatment])].copy()
    y = pair["numerator"].to_numpy(float)
    is_treated = (pair["variant"] == treatment).to_numpy(float)
    theta = None
    if reduction == "cuped":
        x = pair["covariate"].to_numpy(float)
        ols = sm.OLS(y, np.column_stack([np.ones_like(y), is_treated, x - x.mean()])).fit()
        theta = ols.params[2]
        y = y - theta * (x - x.mean())
    pair["value"] = y
    t = pair[pair["variant"] == treatment]
    c = pair[pair["variant"] == control]
    ref = dict(control_units=len(c), treatment_units=len(t))
    z_crit = stats.norm.ppf(1 - ALPHA / 2)
    if kind == "ratio":
        def arm(a):
            yy, nn = a["value"].to_numpy(float), a["denominator"].to_numpy(float)
            r = yy.sum() / nn.sum()
            cov = np.cov(yy, nn, ddof=1)
            return r, (cov[0, 0] - 2 * r * cov[0, 1] + r * r * cov[1, 1]) / (len(yy) * nn.mean() ** 2)
        (mt, vt), (mc, vc) = arm(t), arm(c)
        mc_unadjusted, mt_unadjusted = mc, mt
    else:
        mt, mc = t["value"].mean(), c["value"].mean()
        vt, vc = t["value"].var(ddof=1) / len(t), c["value"].var(ddof=1) / len(c)
        mc_unadjusted, mt_unadjusted = c["numerator"].mean(), t["numerator"].mean()
    diff = mt - mc
    ref.update(control_mean=mc, treatment_mean=mt, absolute_effect=diff)
    if theta is not None:
        # the OLS treatment coefficient is the CUPED effect
        ref["ols_effect"] = ols.params[1]
    if min(len(c), len(t)) < MIN_UNITS:
        return ref
    se = np.sqrt(vt + vc)
    if kind != "ratio" and vt + vc > 0:
        cm = CompareMeans(DescrStatsW(t["value"].to_numpy(float)), DescrStatsW(c["value"].to_numpy(float)))
        _, p = cm.ztest_ind(usevar="unequal")
        lo, hi = cm.zconfint_diff(alpha=ALPHA, usevar="unequal")
    elif se > 0:
        p = 2 * stats.norm.sf(abs(diff / se))
        lo, hi = diff - z_crit * se, diff + z_crit * se
    else:
        p, lo, hi = np.nan, diff, diff
    rel = diff / mc_unadjusted
    if theta is None:
        rel_var = vt / mc**2 + mt**2 * vc / mc**4
    else:
        # GrowthBook's regression-adjusted relative variance (gbstats
        # frequentist_variance_relative_cuped), written out from its published formula
        def moments(a):
            yy, xx = a["numerator"].to_numpy(float), a["covariate"].to_numpy(float)
            cov = np.cov(yy, xx, ddof=1)
            return cov[0, 0], cov[1, 1], cov[0, 1]
        (syt, sxt, cyt), (syc, sxc, cyc) = moments(t), moments(c)
        ratio = mt_unadjusted / mc_unadjusted
        rel_var = ((syt + theta**2 * sxt - 2 * theta * cyt) / (len(t) * mc_unadjusted**2)
                   + (syc * ratio**2 - 2 * theta * cyc * ratio + theta**2 * sxc) / (len(c) * mc_unadjusted**2))
    rel_se = np.sqrt(rel_var)
    ref.update(absolute_ci_lower=lo, absolute_ci_upper=hi, relative_effect=rel,
               relative_ci_lower=rel - z_crit * rel_se, relative_ci_upper=rel + z_crit * rel_se,
               p_value=p, mde_relative=(z_crit + stats.norm.ppf(0.8)) * rel_se)
    return ref


def test_every_result_row_equals_statsmodels(units, results):
    assert len(results) > 100
    assert results["is_sample_sufficient"].any() and not results["is_sample_sufficient"].all()
    checked = 0
    # quantile metrics and ratio metrics' cuped rows: test_experiment_heavy_tails.py
    elsewhere = (results["metric_kind"] == "quantile") | (
        (results["metric_kind"] == "ratio") & (results["variance_reduction"] == "cuped"))
    results = results[~elsewhere]
    for row in results.itertuples():
        exp_units = units[(units["experiment_id"] == row.experiment_id) & (units["metric_name"] == row.metric_name)]
        seg = _segment_frame(exp_units, row.segment_name, row.segment_value)
        ref = reference_row(seg, row.metric_kind, row.control_variant, row.treatment_variant, row.variance_reduction)
        for col in ("control_units", "treatment_units"):
            assert getattr(row, col) == ref[col], (row, col)
        tolerance = 1e-9 * (abs(ref["control_mean"]) + 1)
        if "ols_effect" in ref:
            assert abs(row.absolute_effect - ref["ols_effect"]) <= tolerance, (row, ref["ols_effect"])
        if not row.is_sample_sufficient:
            # too few units: counts and means only, no test, interval or decision weight
            assert min(ref["control_units"], ref["treatment_units"]) < MIN_UNITS
            for col in ("control_mean", "treatment_mean"):
                assert abs(getattr(row, col) - ref[col]) <= tolerance, (row, col)
            for col in ("p_value", "p_value_adjusted", "absolute_ci_lower", "relative_ci_upper", "mde_relative",
                        "p_value_non_inferiority", "pre_period_p_value", "standard_error"):
                assert pd.isna(getattr(row, col)), (row, col)
            checked += 1
            continue
        ref_se = (ref["absolute_ci_upper"] - ref["absolute_ci_lower"]) / (2 * stats.norm.ppf(1 - ALPHA / 2))
        if ref_se <= 1e-9 * (abs(ref["control_mean"]) + 1):
            # degenerate slice (no variation up to rounding): only the means are meaningful
            assert abs(row.control_mean - ref["control_mean"]) <= tolerance
            assert not (row.standard_error > 1e-8 * (abs(ref["control_mean"]) + 1))
            checked += 1
            continue
        scale = abs(ref["control_mean"]) + abs(ref["absolute_ci_upper"] - ref["absolute_ci_lower"]) + 1e-300
        for col in ("control_mean", "treatment_mean", "absolute_effect", "absolute_ci_lower", "absolute_ci_upper"):
            assert abs(getattr(row, col) - ref[col]) <= 1e-9 * max(abs(ref[col]), 1e-3 * scale), (row, col, ref[col])
        for col in ("relative_effect", "relative_ci_lower", "relative_ci_upper", "mde_relative"):
            if np.isfinite(ref[col]):
                assert abs(getattr(row, col) - ref[col]) <= 1e-9 * max(abs(ref[col]), 1e-6), (row, col, ref[col])
        if np.isnan(ref["p_value"]):
            assert pd.isna(row.p_value)
        else:
            assert abs(row.p_value - ref["p_value"]) <= 1e-9, (row, ref["p_value"])
        checked += 1
    assert checked == len(results)


def test_ratio_metrics_keep_units_with_a_zero_denominator(units, results):
    """The analysed units of a ratio metric are every exposed unit of the arm, as in GrowthBook
    and Statsig; the fixture must hold units with a zero denominator for this to mean anything."""
    ratio = units[units["metric_kind"] == "ratio"]
    assert (ratio["denominator"] == 0).sum() > 0
    rows = results[(results["metric_kind"] == "ratio") & (results["segment_name"] == "all")]
    assert len(rows) > 0
    for row in rows.itertuples():
        u = ratio[(ratio["experiment_id"] == row.experiment_id) & (ratio["metric_name"] == row.metric_name)]
        assert row.control_units == (u["variant"] == row.control_variant).sum()
        assert row.treatment_units == (u["variant"] == row.treatment_variant).sum()


def test_adjusted_p_values_are_role_aware(results):
    """Primary metrics: Bonferroni; secondary: Benjamini-Hochberg (statsmodels); one family per
    experiment x variance_reduction x segment_name x role. Guardrails unadjusted, no adjustment
    without a p-value and is_significant = p_value_adjusted < alpha: the dbt test
    assert_experiment_adjusted_p_values_follow_the_metric_role."""
    tested = results.dropna(subset=["p_value"])
    assert set(tested["metric_role"]) == {"primary", "guardrail", "secondary"}
    methods = {"primary": "bonferroni", "secondary": "fdr_bh"}
    for (_, _, _, role), fam in tested.groupby(["experiment_id", "variance_reduction", "segment_name", "metric_role"]):
        if role == "guardrail":
            continue
        expected = multipletests(fam["p_value"], method=methods[role])[1]
        assert np.allclose(fam["p_value_adjusted"], expected, rtol=0, atol=1e-12), fam


def test_injected_effects_inside_confidence_intervals(results, sim_dir):
    truth = pd.read_csv(sim_dir / "truth" / "experiment_effects.csv")
    main = results[(results["segment_name"] == "all") & (results["variance_reduction"] == "none")]
    merged = truth.merge(main, left_on=["experiment_id", "metric_name", "variant"],
                         right_on=["experiment_id", "metric_name", "treatment_variant"], how="left")
    # an arm below experiment_min_units_per_arm gets no interval (test_every_result_row_...)
    assert (merged["relative_ci_lower"].notna() == merged["is_sample_sufficient"]).all(), merged
    merged = merged[merged["is_sample_sufficient"]]
    assert len(merged) >= 5
    inside = (merged["relative_ci_lower"] <= merged["true_relative_effect"]) & (
        merged["true_relative_effect"] <= merged["relative_ci_upper"])
    allowed = stats.binom.ppf(0.99, len(merged), 0.05)
    assert (~inside).sum() <= allowed, merged.loc[~inside, ["experiment_id", "metric_name", "variant",
                                                           "true_relative_effect", "relative_ci_lower",
                                                           "relative_ci_upper"]]


def test_srm_flagged_exactly_where_injected(warehouse, sim_dir):
    design = pd.read_csv(sim_dir / "truth" / "experiment_design.csv")
    health = warehouse.execute(
        "select experiment_id, bool_or(has_srm) as has_srm, max(srm_p_value) as p "
        "from fct_experiment_health where data_source = 'platform' group by experiment_id").df()
    merged = design.merge(health, on="experiment_id", how="left")
    assert (merged["has_srm"] == merged["has_injected_srm"]).all(), merged[["experiment_id", "has_srm", "p"]]


def test_health_counts_match_pandas(warehouse, sim_dir):
    """Exposed (single-variant, first exposed inside [started_at, ended_at)) / multi-variant /
    outside-window counts and the SRM p-value recomputed with pandas + scipy."""
    expo = warehouse.execute("select experiment_id, unit_id, variant, exposed_at, exposure_id "
                             "from stg_experimentation__exposures").df()
    exps = warehouse.execute("select experiment_id, variants, traffic_shares, started_at, ended_at "
                             "from stg_experimentation__experiments").df()
    expo = expo.sort_values(["experiment_id", "unit_id", "exposed_at", "exposure_id"])
    first = expo.groupby(["experiment_id", "unit_id"]).agg(variant=("variant", "first"), k=("variant", "nunique"),
                                                           first_at=("exposed_at", "first"))
    window = exps.set_index("experiment_id")
    starts = window.loc[first.index.get_level_values(0), "started_at"].to_numpy()
    ends = window.loc[first.index.get_level_values(0), "ended_at"].to_numpy()
    first["outside"] = (first["first_at"].to_numpy() < starts) | (first["first_at"].to_numpy() >= ends)
    health = warehouse.execute("select * from fct_experiment_health where data_source = 'platform'").df()
    design = pd.read_csv(sim_dir / "truth" / "experiment_design.csv")
    for e in exps.itertuples():
        f = first.loc[e.experiment_id]
        variants = e.variants.split(",")
        shares = np.array([float(s) for s in e.traffic_shares.split(",")])
        observed = np.array([((f["variant"] == v) & (f["k"] == 1) & ~f["outside"]).sum() for v in variants])
        rows = health[health["experiment_id"] == e.experiment_id].set_index("variant")
        assert set(rows.index) == set(variants) and rows["is_configured_variant"].all()  # no unconfigured variant here
        h = rows.loc[variants]
        assert (h["exposed_units"].to_numpy() == observed).all()
        assert (h["exposures_outside_window"].to_numpy()
                == np.array([((f["variant"] == v) & f["outside"]).sum() for v in variants])).all()
        assert h["units_in_multiple_variants"].sum() == (f["k"] > 1).sum()
        p = stats.chisquare(observed, observed.sum() * shares / shares.sum()).pvalue
        assert abs(h["srm_p_value"].iloc[0] - p) < 1e-9
        injected = design.set_index("experiment_id").loc[e.experiment_id, "units_in_multiple_variants_injected"]
        assert h["units_in_multiple_variants"].sum() == injected


def test_cuped_cuts_variance_as_theory_says(units, results, sim_dir):
    design = pd.read_csv(sim_dir / "truth" / "experiment_design.csv")
    for e in design[design["has_cuped_covariate"]].itertuples():
        u = units[(units["experiment_id"] == e.experiment_id) & (units["metric_name"] == e.primary_metric)]
        rho = np.corrcoef(u["numerator"], u["covariate"])[0, 1]
        r = results[(results["experiment_id"] == e.experiment_id) & (results["metric_name"] == e.primary_metric)
                    & (results["segment_name"] == "all")].set_index("variance_reduction")
        cut = 1 - (r.loc["cuped", "standard_error"] / r.loc["none", "standard_error"]) ** 2
        assert rho ** 2 > 0.05, rho
        assert cut >= 0.8 * rho ** 2, (cut, rho ** 2)
