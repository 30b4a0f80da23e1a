"""MetricFlow: `mf query` over the semantic layer (models/marts/<domain>/_<domain>__semantic.yml)
against the marts its metrics are defined on. One file, so that the `metricflow` fixture's
`mf validate-configs` and its copy of the warehouse are made once per `make test`
(pytest-xdist hands each worker whole files; a session fixture is made once per worker)."""
from __future__ import annotations

import numpy as np
import pandas as pd


def test_metricflow_core_metrics_equal_the_table(metricflow, warehouse):
    metrics = ["dau", "ctr", "gold_accuracy", "violating_view_rate", "ad_revenue_usd"]
    got = metricflow([f"core_{m}" for m in metrics])
    got["metric_date"] = pd.to_datetime(got["metric_time__day"]).dt.date
    table = warehouse.execute(
        "select metric_date, metric_name, value from fct_core_indicators where dimension_name = 'all'").df()
    table["metric_date"] = pd.to_datetime(table["metric_date"]).dt.date
    wide = table.pivot(index="metric_date", columns="metric_name", values="value")
    merged = got.set_index("metric_date").join(wide, how="inner")
    assert len(merged) >= 30
    for m in metrics:
        assert np.allclose(merged[f"core_{m}"], merged[m], rtol=1e-9, atol=1e-12, equal_nan=True), m


def test_metricflow_query_matches_the_mart(metricflow, warehouse):
    """`mf query` (semantic layer) against the marts it is defined on."""
    got = metricflow(["dau", "wau", "mau", "gold_accuracy", "labeler_throughput"])
    got["day"] = pd.to_datetime(got["metric_time__day"]).dt.date
    eng = warehouse.execute(
        "select metric_date, dau, wau, mau from metrics_engagement_daily where dimension_name = 'all'").df()
    lab = warehouse.execute("select metric_date, gold_accuracy, throughput_per_active_hour from metrics_labeling_daily "
                            "where dimension_name = 'all'").df()
    eng["day"] = pd.to_datetime(eng["metric_date"]).dt.date
    lab["day"] = pd.to_datetime(lab["metric_date"]).dt.date
    merged = got.merge(eng, on="day", suffixes=("_mf", "")).merge(lab, on="day", suffixes=("_mf", ""))
    assert len(merged) >= 30
    assert (merged["dau_mf"] == merged["dau"]).all()
    assert (merged["mau_mf"] == merged["mau"]).all()
    assert np.allclose(merged["gold_accuracy_mf"], merged["gold_accuracy"], rtol=0, atol=1e-9)
    assert np.allclose(merged["labeler_throughput"], merged["throughput_per_active_hour"], rtol=0, atol=1e-9)
