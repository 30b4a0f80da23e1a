"""The statistics macros (macros/statistics/) against scipy / statsmodels.

The SQL is rendered from the project's own macros with `dbt compile --inline` and run in
DuckDB over a grid, so these checks exercise exactly what the models run.
"""
from __future__ import annotations

import duckdb
import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests



@pytest.fixture(scope="module")
def compiled(compile_inline):
    sql = compile_inline(
        "select x, {{ normal_cdf('x') }} as phi, {{ two_sided_p_value('x') }} as p2 from grid_x"
        " ;; select p, {{ normal_quantile('p') }} as q from grid_p"
        " ;; select x, df, {{ chi_square_sf('x', 'df') }} as sf from grid_chi"
    )
    return [s.strip() for s in sql.split(";;")]


def test_normal_cdf_matches_scipy(compiled):
    x = np.r_[np.linspace(-40, 40, 8001), np.linspace(-9, 9, 9001), 0.67448975, -0.67448975,
              5.656854249492380, -5.656854249492380, 1e-300, -1e-12, 38.5, -38.5]
    con = duckdb.connect()
    con.register("grid_x", {"x": x})
    got = con.execute(compiled[0]).df()
    expected = stats.norm.cdf(got["x"].to_numpy())
    # absolute error everywhere, relative error of the lower tail down to 1e-300
    assert np.max(np.abs(got["phi"] - expected)) < 1e-12
    tail = expected > 1e-300
    rel = np.abs(got["phi"][tail] - expected[tail]) / expected[tail]
    assert np.max(rel) < 1e-12, float(np.max(rel))
    p2 = 2 * stats.norm.sf(np.abs(got["x"].to_numpy()))
    keep = p2 > 1e-300
    assert np.max(np.abs(got["p2"][keep] - p2[keep]) / p2[keep]) < 1e-12


def test_normal_quantile_matches_scipy(compiled):
    p = np.r_[np.linspace(1e-6, 1 - 1e-6, 20001), np.logspace(-300, -1, 600),
              1 - np.logspace(-15, -1, 200), 0.075, 0.925, 0.025, 0.975, 0.5]
    con = duckdb.connect()
    con.register("grid_p", {"p": p})
    got = con.execute(compiled[1]).df()
    expected = stats.norm.ppf(got["p"].to_numpy())
    err = np.abs(got["q"] - expected) / np.maximum(1.0, np.abs(expected))
    assert np.max(err) < 1e-12, float(np.max(err))


def test_chi_square_sf_matches_scipy(compiled):
    xs = np.r_[np.linspace(0.001, 120, 1200), 3.84, 6.90, 40.0]
    dfs = np.arange(1, 31)
    grid = np.array([(x, d) for x in xs for d in dfs])
    con = duckdb.connect()
    con.register("grid_chi", {"x": grid[:, 0], "df": grid[:, 1].astype(int)})
    got = con.execute(compiled[2]).df()
    expected = stats.chi2.sf(got["x"], got["df"])
    assert np.max(np.abs(got["sf"] - expected)) < 1e-12
    big = expected > 1e-200
    assert np.max(np.abs(got["sf"][big] - expected[big]) / expected[big]) < 1e-9


def test_chi_square_sf_above_30_df_is_wilson_hilferty_close_to_scipy(compiled):
    """SRM over more than 31 variants: the normal approximation, within 2e-4 of scipy."""
    dfs = np.array([31, 40, 63, 100, 250, 1000])
    grid = np.array([(stats.chi2.isf(p, d), d) for d in dfs for p in [0.9, 0.5, 0.1, 0.01, 0.001, 1e-4]])
    con = duckdb.connect()
    con.register("grid_chi", {"x": grid[:, 0], "df": grid[:, 1].astype(int)})
    got = con.execute(compiled[2]).df()
    expected = stats.chi2.sf(got["x"], got["df"])
    assert got["sf"].notna().all()
    assert np.max(np.abs(got["sf"] - expected)) < 2e-4


def test_benjamini_hochberg_matches_statsmodels(compile_inline):
    rng = np.random.default_rng(7)
    fam = np.repeat(np.arange(40), 25)
    p = np.r_[rng.uniform(size=500), rng.uniform(0, 0.01, 500)]
    p[::17] = p[::17].round(2)          # ties
    sql = compile_inline(
        "with ranked as (select fam, i, p, {{ benjamini_hochberg_rank('p', ['fam'], ['i']) }} as r,"
        " count(*) over (partition by fam) as m from t)"
        " select fam, i, {{ benjamini_hochberg_adjusted('p', 'r', 'm', ['fam']) }} as adj from ranked")
    con = duckdb.connect()
    con.register("t", {"fam": fam, "i": np.arange(len(p)), "p": p})
    got = con.execute(sql).df().sort_values("i")
    expected = np.concatenate([multipletests(p[fam == f], method="fdr_bh")[1] for f in range(40)])
    assert np.max(np.abs(got["adj"].to_numpy() - expected)) < 1e-12
