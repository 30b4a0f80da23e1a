"""The benchmark's hand-written script computes exactly fct_core_indicators.

`make bench` times bench/handwritten_core_indicators.sql (one DuckDB script
from raw Parquet, no dbt) as the lower bound of the core indicators' build.
The ratio only means something if both do the same work, so on the small
dataset every required indicator, day and slice must agree: the same rows,
counts exact, money / watch time / sampling weights to 1e-9. The two are
written independently (the script shares no SQL with the models).
"""
from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

from conftest import REPO

KEY = ["metric_date", "metric_name", "dimension_name", "dimension_value"]
# numerators that are sums of floats (or of micros / 1e6): compared to 1e-9
FLOAT_NUMERATORS = {"watch_seconds_per_dau", "ad_revenue_usd", "arpdau", "violating_view_rate"}


def load_handwritten():
    spec = importlib.util.spec_from_file_location("bench_handwritten", REPO / "bench" / "handwritten.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def both(sim_dir, warehouse) -> pd.DataFrame:
    required = [r[0] for r in warehouse.execute(
        "select metric_name from core_indicator_catalog where is_required").fetchall()]
    dbt = warehouse.execute(
        "select metric_date, metric_name, dimension_name, dimension_value, numerator, denominator, value "
        "from fct_core_indicators where metric_name in (select unnest(?))", [required]).df()
    hand = load_handwritten().run(sim_dir / "raw")
    for df in (dbt, hand):
        df["metric_date"] = pd.to_datetime(df["metric_date"]).dt.date
    assert set(hand["metric_name"]) == set(required) and len(required) == 21
    assert not hand.duplicated(KEY).any()
    return dbt.merge(hand, on=KEY, how="outer", suffixes=("_dbt", "_hand"), indicator=True)


def test_same_rows(both):
    only = both[both["_merge"] != "both"]
    assert only.empty, only.groupby(["metric_name", "_merge"], observed=True).size()
    assert len(both) > 5000


def test_same_numbers(both):
    exact = ~both["metric_name"].isin(FLOAT_NUMERATORS)
    num_ok = np.where(
        exact,
        both["numerator_dbt"] == both["numerator_hand"],
        np.isclose(both["numerator_dbt"], both["numerator_hand"], rtol=1e-9, atol=1e-9),
    )
    assert num_ok.all(), both.loc[~num_ok, KEY + ["numerator_dbt", "numerator_hand"]].head(10)
    den_ok = both["denominator_dbt"] == both["denominator_hand"]
    assert den_ok.all(), both.loc[~den_ok, KEY + ["denominator_dbt", "denominator_hand"]].head(10)
    val_ok = (both["value_dbt"].isna() & both["value_hand"].isna()) | np.isclose(
        both["value_dbt"], both["value_hand"], rtol=1e-9, atol=1e-12)
    assert val_ok.all(), both.loc[~val_ok, KEY + ["value_dbt", "value_hand"]].head(10)
    # the comparison is not vacuous: every indicator has non-zero counts
    # (a ratio: a non-zero denominator; the small dataset has few appeals)
    is_count = both.groupby("metric_name")["denominator_hand"].transform(lambda d: (d == 1).all())
    filled = (both["numerator_hand"] > 0) | (~is_count & (both["denominator_hand"] > 0))
    nonzero = both[filled].groupby("metric_name")["numerator_hand"].size()
    assert len(nonzero) == 21, nonzero
