"""Anomalies, change drivers and published Parquet of the core indicators.

* fct_indicator_anomalies is recomputed row by row in pandas from
  fct_core_indicators (the baseline algorithm of docs/core_indicators.md,
  written independently of the SQL) and scored against the simulator's
  injected anomalies (truth/anomalies.csv): on the small dataset of the rest
  of the suite, and on the default preset (56 days, 20k users) built here up
  to fct_indicator_anomalies, where the issue's bar applies.
* fct_indicator_change_drivers is recomputed in pandas (whose contributions
  add up to the total change, rate + mix + interaction = contribution) and the
  injected slice ranks first; the mart's own additivity is a dbt test.
* The published Parquet files are read by pandas / pyarrow while another
  process holds the DuckDB file as its writer.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from conftest import SANDBOX_DUCKDB

# defaults of macros/core/core_anomaly_settings.sql (the test would fail if
# the SQL drifted from them, since it recomputes every score)
SENSITIVITY, WEEKS, MIN_POINTS, FLOOR, TAIL_Q, SAMPLING = 4.0, 4, 3, 0.05, 0.9, 4.0
Z_TAIL = 1.6448536269514722

# the bar, on the default dataset
DEFAULT_MIN_RECALL, DEFAULT_MIN_PRECISION = 0.9, 0.8
# the small dataset (35 days, ~400 DAU) has too little history and volume for
# that recall (docs/core_indicators.md): there the flags it raises must be
# right and the two largest injected effects found
SMALL_MIN_PRECISION, SMALL_MIN_DRIVERS_FIRST = 0.8, 5


def load_truth(data_dir: Path) -> pd.DataFrame:
    t = pd.read_csv(data_dir / "truth" / "anomalies.csv")
    t["metric_date"] = pd.to_datetime(t["anomaly_date"]).dt.date
    return t


def load_indicators(con) -> pd.DataFrame:
    df = con.execute(
        "select f.*, c.metric_kind, c.noise_model, c.is_anomaly_monitored from fct_core_indicators f "
        "join core_indicator_catalog c using (metric_name)").df()
    df["metric_date"] = pd.to_datetime(df["metric_date"]).dt.date
    df["day"] = (pd.to_datetime(df["metric_date"]) - pd.Timestamp("2000-01-03")).dt.days
    return df


def load_table(con, name: str) -> pd.DataFrame:
    df = con.execute(f"select * from {name}").df()
    df["metric_date"] = pd.to_datetime(df["metric_date"]).dt.date
    return df


@pytest.fixture(scope="module")
def truth(sim_dir) -> pd.DataFrame:
    return load_truth(sim_dir)


@pytest.fixture(scope="module")
def indicators(warehouse) -> pd.DataFrame:
    return load_indicators(warehouse)


@pytest.fixture(scope="module")
def anomalies(warehouse) -> pd.DataFrame:
    return load_table(warehouse, "fct_indicator_anomalies")


@pytest.fixture(scope="module")
def default_build(default_dataset):
    """The default preset built up to fct_indicator_anomalies (conftest's
    default_dataset: models and seeds only, the data tests run on the small
    build). Yields (its folder, with raw/ and truth/, read-only connection)."""
    con = duckdb.connect(str(default_dataset / SANDBOX_DUCKDB), read_only=True)
    yield default_dataset, con
    con.close()


def expected_scores(indicators: pd.DataFrame) -> pd.DataFrame:
    rows = []
    mon = indicators[indicators["is_anomaly_monitored"] & indicators["is_window_complete"]
                     & indicators["detection_value"].notna()]
    for key, g in mon.groupby(["metric_name", "dimension_name", "dimension_value"]):
        g = g.set_index("day")
        lv = np.log(g["detection_value"].where(g["detection_value"] > 0))
        wow = {d: lv[d] - lv[d - 7] for d in lv.index if d - 7 in lv.index and pd.notna(lv[d]) and pd.notna(lv[d - 7])}
        binomial = g["noise_model"].iloc[0] == "binomial"
        for d in g.index:
            changes = np.array([c for t, c in wow.items() if d - 7 * WEEKS + 7 <= t < d])
            past = [d - 7 * k for k in range(1, WEEKS + 1) if d - 7 * k in lv.index and pd.notna(lv[d - 7 * k])]
            out = {"metric_name": key[0], "dimension_name": key[1], "dimension_value": key[2],
                   "metric_date": g.loc[d, "metric_date"], "py_score": np.nan, "py_flag": False}
            if len(changes) >= MIN_POINTS and len(past) >= MIN_POINTS and pd.notna(lv[d]):
                growth = 0.0 if binomial else np.median(changes)
                exp_log = np.median([lv[t] + (d - t) / 7 * growth for t in past])
                dev = np.abs(changes - np.median(changes))
                scale = max(1.4826 * np.median(dev), np.quantile(dev, TAIL_Q) / Z_TAIL, FLOOR)
                score = (lv[d] - exp_log) / scale
                var0 = np.median([g.loc[t, "sampling_variance"] for t in past])
                gate = pd.isna(var0) or abs(g.loc[d, "detection_value"] - np.exp(exp_log)) > SAMPLING * np.sqrt(var0)
                out.update(py_score=score, py_expected=np.exp(exp_log), py_flag=bool(abs(score) > SENSITIVITY and gate))
            rows.append(out)
    return pd.DataFrame(rows)


def assert_scores_match(indicators: pd.DataFrame, anomalies: pd.DataFrame) -> None:
    py = expected_scores(indicators)
    merged = anomalies.merge(py, on=["metric_name", "dimension_name", "dimension_value", "metric_date"], how="outer",
                             indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    scored = merged["anomaly_score"].notna()
    assert (scored == merged["py_score"].notna()).all()
    assert np.allclose(merged.loc[scored, "anomaly_score"], merged.loc[scored, "py_score"], rtol=1e-9, atol=1e-9)
    assert np.allclose(merged.loc[scored, "expected_value"], merged.loc[scored, "py_expected"], rtol=1e-9)
    assert (merged["is_anomaly"] == merged["py_flag"]).all()
    assert scored.sum() > 1000


def test_anomaly_scores_match_an_independent_recomputation(indicators, anomalies):
    assert_scores_match(indicators, anomalies)


def score_against_truth(anomalies: pd.DataFrame, truth: pd.DataFrame) -> dict:
    """Recall over the injected (metric, day, slice); precision over incidents.

    An incident is a flagged day x dimension_name x dimension_value (all
    metrics of it merged: a BR dau drop also moves BR wau, arpdau and ad
    impressions). d1_retention is dated by its activity day (signup day + 1).
    An incident is a true positive when its slice and day are injected;
    flags on an injected day in the other dimension or in the total
    (cross-cut co-movement: a web spike raises every country's dau) are
    counted apart, neither true nor false; every other incident is false.
    """
    a = anomalies.copy()
    shift = a["metric_name"] == "d1_retention"
    a.loc[shift, "metric_date"] = [d + pd.Timedelta(days=1) for d in a.loc[shift, "metric_date"]]
    flagged = a[a["is_anomaly"]]
    keys = ["metric_name", "metric_date", "dimension_name", "dimension_value"]
    hits = truth.merge(flagged[keys], on=keys, how="inner")
    injected = {(r.metric_date, r.dimension_name, r.dimension_value) for r in truth.itertuples()}
    injected_days = {r.metric_date: r.dimension_name for r in truth.itertuples()}
    tp = fp = comove = 0
    for inc in flagged[["metric_date", "dimension_name", "dimension_value"]].drop_duplicates().itertuples(index=False):
        if tuple(inc) in injected:
            tp += 1
        elif inc.metric_date in injected_days and inc.dimension_name != injected_days[inc.metric_date]:
            comove += 1
        else:
            fp += 1
    return {"recall": len(hits) / len(truth), "precision": tp / max(tp + fp, 1), "tp": tp, "fp": fp, "comove": comove}


def test_anomaly_precision_on_the_small_dataset(anomalies, truth):
    result = score_against_truth(anomalies, truth)
    print("anomaly scoring (small):", result)
    assert result["precision"] >= SMALL_MIN_PRECISION, result
    # the two largest injected effects are always found
    flagged = anomalies[anomalies["is_anomaly"]]
    for metric, value in (("dau", "BR"), ("fill_rate", "MX")):
        day = truth.loc[(truth["metric_name"] == metric) & (truth["dimension_value"] == value), "metric_date"].iloc[0]
        row = flagged[(flagged["metric_name"] == metric) & (flagged["dimension_value"] == value) & (flagged["metric_date"] == day)]
        assert len(row) == 1 and row["anomaly_direction"].iloc[0] == "drop"


def recompute_drivers(indicators: pd.DataFrame, metric: str, day, dimension: str) -> pd.DataFrame:
    g = indicators[(indicators["metric_name"] == metric) & (indicators["dimension_name"] == dimension)]
    target = g.loc[g["metric_date"] == day, "day"].iloc[0]
    g = g.assign(detection=(g["detection_value"] * g["denominator"]).fillna(g["numerator"]))
    cols = ["numerator", "denominator", "detection"]
    cur = g[g["day"] == target].set_index("dimension_value")[cols]
    past = g[(g["day"] < target) & (g["day"] >= target - 7 * WEEKS) & ((target - g["day"]) % 7 == 0)]
    base = past.groupby("dimension_value")[cols].median()
    df = cur.join(base, how="outer", lsuffix="_1", rsuffix="_0").fillna(0.0)
    kind = g["metric_kind"].iloc[0]
    # the ranking score reads the detection series (winsorised revenue), the
    # contributions the reported value
    if kind == "count":
        df["contribution"] = df["numerator_1"] - df["numerator_0"]
        df["score"] = (df["detection_1"] / df["detection_1"].sum() - df["detection_0"] / df["detection_0"].sum()).abs()
        return df
    w1, w0 = df["denominator_1"] / df["denominator_1"].sum(), df["denominator_0"] / df["denominator_0"].sum()

    def rates(num: str) -> tuple[pd.Series, pd.Series]:
        r1 = df[f"{num}_1"] / df["denominator_1"].replace(0, np.nan)
        r0 = df[f"{num}_0"] / df["denominator_0"].replace(0, np.nan)
        return r1.fillna(r0).fillna(0.0), r0.fillna(r1).fillna(0.0)

    r1, r0 = rates("numerator")
    df["rate"], df["interaction"] = w0 * (r1 - r0), (w1 - w0) * (r1 - r0)
    # each value's part of R = sum(numerator) / sum(denominator); equals
    # w1 r1 - w0 r0 unless a numerator has no denominator (then it is mix)
    df["contribution"] = df["numerator_1"] / df["denominator_1"].sum() - df["numerator_0"] / df["denominator_0"].sum()
    df["mix"] = df["contribution"] - df["rate"] - df["interaction"]
    both = (df["denominator_1"] > 0) & (df["denominator_0"] > 0)
    assert np.allclose(df.loc[both, "mix"], ((w1 - w0) * r0)[both], rtol=1e-9, atol=1e-12)
    d1, d0 = rates("detection")
    df["score"] = (w0 * (d1 - d0)).abs()
    total = df["numerator_1"].sum() / df["denominator_1"].sum() - df["numerator_0"].sum() / df["denominator_0"].sum()
    assert abs(df["contribution"].sum() - total) <= 1e-9 * max(1, abs(total))
    return df


def drivers_ranked_first(drivers: pd.DataFrame, indicators: pd.DataFrame, truth: pd.DataFrame) -> int:
    """Checks the mart's drivers against a pandas recomputation; returns how
    many injected anomalies have their injected slice ranked first. The mart's
    exact additivity on every row (rate + mix + interaction = contribution,
    contributions add up to total_change = current - baseline total) is tested
    by dbt: the model's expression tests and
    tests/singular/core/assert_change_drivers_add_up_to_the_total_change.sql."""
    firsts = 0
    for r in truth.itertuples():
        got = drivers[(drivers["metric_name"] == r.metric_name) & (drivers["metric_date"] == r.metric_date)
                      & (drivers["dimension_name"] == r.dimension_name)].set_index("dimension_value")
        exp = recompute_drivers(indicators, r.metric_name, r.metric_date, r.dimension_name)
        assert set(got.index) == set(exp.index)
        assert np.allclose(got.loc[exp.index, "contribution"], exp["contribution"], rtol=1e-9, atol=1e-12)
        top = got["driver_rank"].idxmin()
        assert top == exp["score"].idxmax()
        firsts += top == r.dimension_value
        print(r.metric_name, r.metric_date, r.dimension_value, "rank", int(got.loc[r.dimension_value, "driver_rank"]))
    return firsts


def test_drivers_decompose_exactly_and_rank_the_injected_slice_first(warehouse, indicators, truth):
    firsts = drivers_ranked_first(load_table(warehouse, "fct_indicator_change_drivers"), indicators, truth)
    assert firsts >= SMALL_MIN_DRIVERS_FIRST, firsts


def test_default_dataset_meets_the_detection_and_driver_bars(default_build):
    """The issue's bar on the default dataset: recall >= 0.9 and precision
    >= 0.8 against the injected anomalies, every injected slice ranked first
    among the drivers, and the SQL scores equal the pandas recomputation."""
    data_dir, con = default_build
    truth = load_truth(data_dir)
    indicators = load_indicators(con)
    anomalies = load_table(con, "fct_indicator_anomalies")
    assert_scores_match(indicators, anomalies)
    result = score_against_truth(anomalies, truth)
    print("anomaly scoring (default):", result)
    assert result["recall"] >= DEFAULT_MIN_RECALL, result
    assert result["precision"] >= DEFAULT_MIN_PRECISION, result
    firsts = drivers_ranked_first(load_table(con, "fct_indicator_change_drivers"), indicators, truth)
    assert firsts == len(truth), firsts


def test_published_parquet_is_readable_while_the_warehouse_is_locked(warehouse_path, warehouse, tmp_path):
    """A BI client (pandas + pyarrow) reads the Parquet files the post-hooks
    published while a writer process holds the DuckDB file."""
    import pyarrow.parquet as pq

    publish = Path(os.environ.get("SV_PUBLISH_PATH") or Path(warehouse_path).parent)
    locked = tmp_path / "locked.duckdb"
    shutil.copy(warehouse_path, locked)
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(locked)!r}); print('ready', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(duckdb.IOException):  # the writer's lock keeps other processes out of the file
            duckdb.connect(str(locked), read_only=True)
        for name in ("fct_core_indicators", "fct_indicator_anomalies", "fct_indicator_change_drivers"):
            path = publish / f"{name}.parquet"
            assert path.is_file(), path
            table = pq.read_table(path)
            frame = pd.read_parquet(path)
            expected = warehouse.execute(f"select count(*) from {name}").fetchall()[0][0]
            assert table.num_rows == len(frame) == expected
            assert list(frame.columns) == [c[0] for c in warehouse.execute(f"describe {name}").fetchall()]
    finally:
        holder.kill()
        holder.wait()
