"""Calibration: re-randomize the units of real experiments into A/A splits and run the engine's
test (the statistics macros, in DuckDB, over all splits at once). The false-positive rate at
alpha 0.05 must fall inside the binomial 99% band."""
from __future__ import annotations

import duckdb
import numpy as np
from scipy import stats

SPLITS = 500


def test_aa_false_positive_rate_is_calibrated(warehouse, compile_inline):
    units = warehouse.execute(
        "select experiment_id, metric_name, unit_id, numerator from int_experiment_unit_metrics_computed "
        "where experiment_id = 'exp_003' and metric_name in ('app_opens_per_user', 'watch_seconds_per_user') "
        # a fixed row order: the seeded splits are then the same draw on every run
        "order by metric_name, unit_id").df()
    rng = np.random.default_rng(20260903)
    frames = []
    for split in range(SPLITS):
        metric = units["metric_name"].unique()[split % 2]
        u = units[units["metric_name"] == metric]
        frames.append({"split_id": np.full(len(u), split), "arm": rng.integers(0, 2, len(u)),
                       "value": u["numerator"].to_numpy(float)})
    data = {k: np.concatenate([f[k] for f in frames]) for k in ("split_id", "arm", "value")}
    sql = compile_inline(
        "with arms as (select split_id, arm, count(*) as n, avg(value) as m, var_samp(value) as v"
        " from splits group by split_id, arm),"
        " paired as (select t.split_id, (t.m - c.m) / sqrt(t.v / t.n + c.v / c.n) as z"
        " from arms as t inner join arms as c on t.split_id = c.split_id and t.arm = 1 and c.arm = 0)"
        " select split_id, {{ two_sided_p_value('z') }} as p_value from paired")
    con = duckdb.connect()
    con.register("splits", data)
    p = con.execute(sql).df()["p_value"].to_numpy()
    assert len(p) == SPLITS
    false_positives = int((p < 0.05).sum())
    lo, hi = stats.binom.ppf(0.005, SPLITS, 0.05), stats.binom.ppf(0.995, SPLITS, 0.05)
    assert lo <= false_positives <= hi, (false_positives, lo, hi)
    # the p-values of an A/A test are uniform
    assert stats.kstest(p, "uniform").pvalue > 0.001
