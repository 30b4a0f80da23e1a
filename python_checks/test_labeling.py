"""Labeling marts vs an independent recomputation from the RAW parquet, and
agreement statistics vs statsmodels (cohens_kappa, fleiss_kappa).

Cleaning as in test_engagement: drop rows whose key staging quarantined
(stg_labeling__rejected_rows) or whose key is null/blank, then keep the
first-landed copy of each key.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import cohens_kappa, fleiss_kappa

from conftest import scalar


@pytest.fixture(scope="module")
def lab(clean_raw, warehouse):
    def table(name, key):
        return clean_raw("labeling", name, key)
    subs = table("submissions", "submission_id")
    tasks = table("tasks", "task_id")
    reviews = table("reviews", "review_id")
    assert len(subs) == scalar(warehouse, "select count(*) from stg_labeling__submissions")
    assert len(reviews) == scalar(warehouse, "select count(*) from stg_labeling__reviews")
    subs = subs.merge(tasks[["task_id", "project_id", "is_gold", "gold_answer"]], on="task_id", how="left")
    subs["day"] = pd.to_datetime(subs["submitted_at"]).dt.date
    reviews = reviews.copy()
    reviews["day"] = pd.to_datetime(reviews["reviewed_at"]).dt.date
    return {"subs": subs, "reviews": reviews}


@pytest.fixture(scope="module")
def daily(warehouse):
    df = warehouse.execute("select * from metrics_labeling_daily where dimension_name = 'all'").df()
    df["metric_date"] = pd.to_datetime(df["metric_date"]).dt.date
    return df.set_index("metric_date")


def test_active_labelers_gold_accuracy_and_acceptance(lab, daily):
    subs, reviews = lab["subs"], lab["reviews"]
    answered = subs[~subs["is_skipped"].fillna(False).astype(bool)]
    active = answered.groupby("day")["labeler_id"].nunique()
    gold = answered[answered["is_gold"].fillna(False).astype(bool)]
    gold_n = gold.groupby("day").size()
    gold_ok = (gold["answer"] == gold["gold_answer"]).groupby(gold["day"]).sum()
    # acceptance counts one (first) review per submission, by the review's day
    first = reviews.sort_values(["reviewed_at", "review_id"]).drop_duplicates("submission_id")
    rev_n = first.groupby("day").size()
    rev_ok = first.groupby("day")["is_accepted"].sum()
    for day, n_active in active.items():
        row = daily.loc[day]
        assert row["active_labelers"] == n_active
        assert row["gold_submissions"] == gold_n.get(day, 0)
        assert math.isclose(row["gold_accuracy"], gold_ok[day] / gold_n[day], rel_tol=0, abs_tol=1e-9)
    for day, n in rev_n.items():
        row = daily.loc[day]
        assert row["reviews"] == n
        assert math.isclose(row["acceptance_rate"], rev_ok[day] / n, rel_tol=0, abs_tol=1e-9)


def _first_answers(subs):
    answered = subs[~subs["is_skipped"].fillna(False).astype(bool) & subs["answer"].notna()]
    return answered.sort_values(["submitted_at", "submission_id"]).drop_duplicates(["task_id", "labeler_id"])


def test_cohens_kappa_matches_statsmodels(lab, warehouse):
    answers = _first_answers(lab["subs"])
    pairs = warehouse.execute(
        "select project_id, labeler_a_id, labeler_b_id, shared_tasks, cohens_kappa "
        "from fct_labeler_pair_agreement where shared_tasks >= 8 order by shared_tasks desc, project_id, labeler_a_id limit 60"
    ).fetchall()
    assert len(pairs) >= 20
    for project, a, b, shared, kappa in pairs:
        pa = answers[(answers["labeler_id"] == a) & (answers["project_id"] == project)][["task_id", "answer"]]
        pb = answers[(answers["labeler_id"] == b) & (answers["project_id"] == project)][["task_id", "answer"]]
        both = pa.merge(pb, on="task_id", suffixes=("_a", "_b"))
        assert len(both) == shared
        table = pd.crosstab(both["answer_a"], both["answer_b"])
        cats = sorted(set(table.index) | set(table.columns))
        table = table.reindex(index=cats, columns=cats, fill_value=0).to_numpy()
        expected = cohens_kappa(table, return_results=False)
        if np.isnan(expected):
            assert kappa is None
        else:
            assert math.isclose(kappa, expected, rel_tol=0, abs_tol=1e-9), (project, a, b)


def test_fleiss_kappa_matches_statsmodels(lab, warehouse):
    answers = _first_answers(lab["subs"])
    raters = answers.groupby("task_id")["labeler_id"].transform("size")
    three = answers[raters == 3]
    got = dict(warehouse.execute(
        "select project_id, fleiss_kappa from fct_project_agreement where fleiss_tasks > 0").fetchall())
    assert got
    for project, group in three.groupby("project_id"):
        table = pd.crosstab(group["task_id"], group["answer"]).to_numpy()
        assert math.isclose(got[project], fleiss_kappa(table, method="fleiss"), rel_tol=0, abs_tol=1e-9), project


def test_recent_gold_accuracy_is_last_20(lab, warehouse):
    answers = lab["subs"]
    gold = answers[answers["is_gold"].fillna(False).astype(bool) & ~answers["is_skipped"].fillna(False).astype(bool)]
    gold = gold.sort_values(["labeler_id", "submitted_at", "submission_id"])
    gold = gold.assign(ok=(gold["answer"] == gold["gold_answer"]).astype(float))
    gold["recent"] = gold.groupby("labeler_id")["ok"].transform(lambda s: s.rolling(20, min_periods=1).mean())
    got = warehouse.execute(
        "select submission_id, recent_gold_accuracy from int_submissions_scored where recent_gold_accuracy is not null"
    ).df().set_index("submission_id")["recent_gold_accuracy"]
    merged = gold.set_index("submission_id")["recent"]
    assert len(got) == len(merged)
    assert np.allclose(got.loc[merged.index].to_numpy(), merged.to_numpy(), rtol=0, atol=1e-9)


def test_streaks_match_a_pandas_recount(lab, warehouse):
    subs = lab["subs"]
    answered = subs[~subs["is_skipped"].fillna(False).astype(bool)]
    days = answered[["labeler_id", "day"]].drop_duplicates().sort_values(["labeler_id", "day"])
    longest = {}
    for labeler, g in days.groupby("labeler_id"):
        best = run = 0
        prev = None
        for d in g["day"]:
            run = run + 1 if prev is not None and (d - prev).days == 1 else 1
            best = max(best, run)
            prev = d
        longest[labeler] = best
    got = dict(warehouse.execute("select labeler_id, longest_streak_days from dim_labelers where active_days > 0").fetchall())
    assert got == longest
