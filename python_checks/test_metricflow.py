"""MetricFlow: the semantic layer (models/marts/<domain>/_<domain>__semantic.yml) defines each
metric once, on entity-grain facts (user-days, ad events, labeler-days, videos, moderation
decisions, ...). fct_core_indicators and the metrics_*_daily marts compute the same numbers
in SQL by slice; these tests prove, for every metric with a counterpart there, that
`mf query` equals the mart by day for the total and for the slices the mart has.

One file, so that the `metricflow` fixture's `mf validate-configs` and its copy of the
warehouse are made once per `make test` (pytest-xdist hands each worker whole files; a session
fixture is made once per worker)."""
from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pandas as pd
import pytest

# core indicator (fct_core_indicators.metric_name) -> the semantic layer's metric
CORE_TO_METRIC = {
    "dau": "dau", "wau": "wau", "mau": "mau", "new_users": "new_users", "d1_retention": "d1_retention",
    "watch_seconds_per_dau": "watch_seconds_per_dau", "views_per_dau": "views_per_dau",
    "completion_rate": "completion_rate",
    "ad_impressions": "ad_impressions", "ad_revenue_usd": "ad_revenue_usd", "ctr": "ctr", "fill_rate": "fill_rate",
    "ecpm_usd": "ecpm_usd", "arpdau": "arpdau_usd",
    "active_labelers": "active_labelers", "gold_accuracy": "gold_accuracy", "acceptance_rate": "acceptance_rate",
    "skip_rate": "skip_rate",
    "videos_published": "videos_published", "creators_posting": "creators_posting",
    "qualified_views": "qualified_views", "engagement_rate": "engagement_rate",
    "videos_removed": "videos_removed", "proactive_removal_rate": "proactive_removal_rate",
    "removal_within_24h_rate": "removal_within_24h_rate", "violating_view_rate": "violating_view_rate",
    "appeal_overturn_rate": "appeal_overturn_rate", "removed_share_of_uploads": "removed_share_of_uploads",
}

# metrics_*_daily mart -> (its day column, {mart column: the semantic layer's metric},
#                          {mart dimension_name: the semantic layer's group-by} or None when the mart has no slices)
MART_COUNTERPARTS = {
    "metrics_engagement_daily": ("metric_date", {
        "dau": "dau", "wau": "wau", "mau": "mau", "new_users": "new_users", "d1_retention": "d1_retention",
        "d7_retention": "d7_retention", "watch_seconds": "watch_seconds", "video_views": "video_views",
        "completed_views": "completed_views", "watch_seconds_per_dau": "watch_seconds_per_dau",
        "views_per_dau": "views_per_dau", "completion_rate": "completion_rate",
    }, {"age_band": "user__age_band"}),
    "metrics_monetization_daily": ("metric_date", {
        "ad_requests": "ad_requests", "filled_requests": "filled_requests", "fill_rate": "fill_rate",
        "ad_impressions": "ad_impressions", "ad_clicks": "ad_clicks", "ctr": "ctr",
        "ad_revenue_usd": "ad_revenue_usd", "ecpm_usd": "ecpm_usd", "conversion_value_usd": "conversion_value_usd",
        "roas": "roas", "arpdau_usd": "arpdau_usd",
    }, None),
    "metrics_labeling_daily": ("metric_date", {
        "active_labelers": "active_labelers", "submissions": "labeler_submissions",
        "answered_submissions": "answered_submissions", "skipped_submissions": "skipped_submissions",
        "gold_submissions": "gold_submissions", "gold_correct_submissions": "gold_correct_submissions",
        "reviews": "labeler_reviews", "accepted_reviews": "accepted_reviews", "payments_usd": "labeler_payments_usd",
        "throughput_per_active_hour": "labeler_throughput", "skip_rate": "skip_rate",
        "gold_accuracy": "gold_accuracy", "acceptance_rate": "acceptance_rate",
        "cost_per_accepted_label_usd": "cost_per_accepted_label",
    }, {"labeler_tier": "labeler__labeler_tier"}),
    "metrics_creators_daily": ("metric_date", {
        "videos_published": "videos_published", "creators_posting": "creators_posting",
        "active_creators": "active_creators", "video_views": "creator_video_views",
        "qualified_views": "qualified_views", "engagements": "creator_engagements",
        "engagement_rate": "engagement_rate", "payout_amount_usd": "rewards_paid_usd",
        "paid_qualified_views": "rewards_paid_qualified_views", "rpm_usd": "rpm_usd",
    }, None),
    "metrics_risk_daily": ("metric_date", {
        "videos_published": "videos_published", "videos_removed": "videos_removed",
        "removed_share_of_uploads": "removed_share_of_uploads", "proactive_removals": "proactive_removals",
        "proactive_removal_rate": "proactive_removal_rate", "removals_within_24h": "removals_within_24h",
        "removal_within_24h_rate": "removal_within_24h_rate", "sample_weight": "sampled_view_weight",
        "violating_sample_weight": "violating_view_weight", "violating_view_rate": "violating_view_rate",
        "appeals_resolved": "appeals_resolved", "appeals_overturned": "appeals_overturned",
        "appeal_overturn_rate": "appeal_overturn_rate", "human_reviews": "human_reviews",
    }, None),
}

# the core indicators' sliced metrics; each slice is reproduced by grouping by the user's
# attribute (user__country, user__platform), which the ad events reach through their user
CORE_SLICED = ["dau", "wau", "mau", "new_users", "d1_retention", "watch_seconds_per_dau",
               "ad_impressions", "ad_revenue_usd", "ctr", "fill_rate", "arpdau"]


def _semantic_manifest(parsed_project) -> dict:
    return json.loads((parsed_project / "target" / "semantic_manifest.json").read_text())


def _definition(metric: dict) -> str:
    """A metric's definition without its name and prose: two metrics with the same one are duplicates."""
    params = {k: v for k, v in metric["type_params"].items() if k != "input_measures"}
    return json.dumps([metric["type"], metric.get("filter"), params], sort_keys=True)


def test_each_metric_is_defined_once(parsed_project):
    manifest = _semantic_manifest(parsed_project)
    metrics = manifest["metrics"]
    names = Counter(m["name"] for m in metrics)
    assert not [n for n, c in names.items() if c > 1], names
    same = Counter(_definition(m) for m in metrics)
    twins = [[m["name"] for m in metrics if _definition(m) == d] for d, c in same.items() if c > 1]
    assert not twins, f"metrics with the same definition under two names: {twins}"
    prefixed = [n for n in names if "_" in n and n.split("_", 1)[1] in names]
    assert not [n for n in prefixed if n.split("_", 1)[0] in ("core", "total", "daily")], prefixed
    measures = Counter((sm["node_relation"]["alias"], ms["agg"], ms.get("expr"))
                       for sm in manifest["semantic_models"] for ms in sm["measures"])
    assert not [k for k, c in measures.items() if c > 1], "the same measure defined twice"


def test_semantic_models_sit_on_entity_grain_tables(parsed_project):
    """No semantic model reads a pre-aggregated slice table (a metrics_* mart, the core
    indicators, or any table with a dimension_name column filtered in a measure)."""
    for sm in _semantic_manifest(parsed_project)["semantic_models"]:
        table = sm["node_relation"]["alias"]
        assert not table.startswith("metrics_") and table != "fct_core_indicators", (sm["name"], table)
        for measure in sm["measures"]:
            assert "dimension_name" not in (measure.get("expr") or ""), (sm["name"], measure["name"])


def test_every_core_indicator_has_one_semantic_metric(parsed_project, warehouse):
    names = {m["name"] for m in _semantic_manifest(parsed_project)["metrics"]}
    core = {r[0] for r in warehouse.execute("select distinct metric_name from fct_core_indicators").fetchall()}
    assert core == set(CORE_TO_METRIC), core ^ set(CORE_TO_METRIC)
    assert set(CORE_TO_METRIC.values()) <= names, set(CORE_TO_METRIC.values()) - names


def _query(metricflow, metrics: list[str], group_by: list[str]) -> pd.DataFrame:
    got = metricflow(sorted(set(metrics)), ",".join(["metric_time__day", *group_by]))
    got["day"] = pd.to_datetime(got["metric_time__day"]).dt.date
    return got.drop(columns="metric_time__day")


@pytest.fixture(scope="module")
def by_day(metricflow) -> pd.DataFrame:
    """Every metric with a counterpart, by day, in one `mf query` (each mf start costs seconds)."""
    metrics = set(CORE_TO_METRIC.values())
    for _, pairs, _ in MART_COUNTERPARTS.values():
        metrics |= set(pairs.values())
    return _query(metricflow, sorted(metrics), [])


def _assert_equal(mart: pd.DataFrame, got: pd.DataFrame, keys: list[str], pairs: dict[str, str], what: str):
    """Every mart row against the semantic layer's row of the same day (and slice value). Where
    the semantic layer has no rows (no row of the day, or a null count) the mart must show 0 for a
    count and null for a ratio."""
    got = got[[*keys, *sorted(set(pairs.values()))]]
    merged = mart.merge(got, on=keys, how="left", suffixes=("", "__mf"), indicator=True)
    assert len(merged) >= 30 and (merged["_merge"] == "both").mean() > 0.5, (what, len(merged))
    for column, metric in pairs.items():
        mf_column = metric if metric != column else f"{metric}__mf"
        expected = pd.to_numeric(merged[column], errors="coerce").astype(float)
        actual = pd.to_numeric(merged[mf_column], errors="coerce").astype(float)
        actual = actual.where(~(actual.isna() & (expected == 0)), 0.0)  # no rows: mf's null, the mart's 0
        ok = np.isclose(actual, expected, rtol=1e-9, atol=1e-12, equal_nan=True)
        assert ok.all(), (what, column, metric, merged.loc[~ok, [*keys, column, mf_column]].head(5).to_dict("records"))
        assert expected.notna().any(), (what, column, "nothing to compare")


def _mart_rows(warehouse, sql: str) -> pd.DataFrame:
    rows = warehouse.execute(sql).df()
    rows["day"] = pd.to_datetime(rows.pop("metric_date")).dt.date
    return rows


def test_core_indicators_equal_the_semantic_layer_for_the_total(by_day, warehouse):
    core = _mart_rows(warehouse, "select metric_date, metric_name, value from fct_core_indicators "
                                 "where dimension_name = 'all'")
    wide = core.pivot(index="day", columns="metric_name", values="value").reset_index()
    _assert_equal(wide, by_day, ["day"], CORE_TO_METRIC, "fct_core_indicators all")


@pytest.mark.parametrize("dimension", ["country", "platform"])
def test_core_indicators_equal_the_semantic_layer_by_slice(metricflow, warehouse, dimension):
    """The core indicators' country and platform slices. The marts slice app metrics by the
    event's country and platform and ad metrics by the users table's ('unknown' for an unstaged
    user); the semantic layer by the user's (dim_users). The first assertions check that on this
    data the two coincide (no user's event carries another value, every ad event has a staged
    user), so the numbers must agree."""
    assert warehouse.execute(
        "select count(*) from stg_app__events as e inner join stg_app__users as u on e.user_id = u.user_id "
        f"where e.{dimension} <> u.{dimension}").fetchall() == [(0,)]
    assert warehouse.execute(
        "select count(*) from fct_ad_activity as a left join dim_users as u on a.user_id = u.user_id "
        "where u.user_id is null").fetchall() == [(0,)]
    group_by = f"user__{dimension}"
    got = _query(metricflow, [CORE_TO_METRIC[i] for i in CORE_SLICED], [group_by])
    names = ", ".join(f"'{i}'" for i in CORE_SLICED)
    core = _mart_rows(warehouse, "select metric_date, metric_name, dimension_value, value from fct_core_indicators "
                                 f"where dimension_name = '{dimension}' and metric_name in ({names})")
    wide = core.pivot(index=["day", "dimension_value"], columns="metric_name", values="value").reset_index()
    wide = wide.rename(columns={"dimension_value": group_by})
    _assert_equal(wide, got, ["day", group_by], {i: CORE_TO_METRIC[i] for i in CORE_SLICED},
                  f"fct_core_indicators by {dimension}")


@pytest.mark.parametrize("mart", sorted(MART_COUNTERPARTS))
def test_metrics_marts_equal_the_semantic_layer(by_day, metricflow, warehouse, mart):
    day_column, pairs, slices = MART_COUNTERPARTS[mart]
    columns = ", ".join(pairs)
    where = " where dimension_name = 'all'" if slices else ""
    total = _mart_rows(warehouse, f"select {day_column} as metric_date, {columns} from {mart}{where}")
    _assert_equal(total, by_day, ["day"], pairs, f"{mart} all")
    for dimension, group_by in (slices or {}).items():
        sliced = _mart_rows(warehouse, f"select {day_column} as metric_date, dimension_value as {group_by}, "
                                       f"{columns} from {mart} where dimension_name = '{dimension}'")
        _assert_equal(sliced, _query(metricflow, list(pairs.values()), [group_by]),
                      ["day", group_by], pairs, f"{mart} {dimension}")
