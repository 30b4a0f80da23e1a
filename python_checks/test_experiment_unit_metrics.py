"""Unit-level experiment values (int_experiment_unit_metrics_computed) rebuilt in pandas.

The unit sums add up the day rows of int_experiment_unit_days_aggregated, which take day
totals and only look at single rows on the days a unit's window or pre-period boundary cuts
(macros unit_cut_days and unit_day_sums). These checks place every activity row in the
intervals one by one, the plain definition:
- on the small dataset, every metric's numerator, denominator and covariate of every analysed
  unit, from the raw rows staging keeps (clean_raw) and the units' intervals;
- on synthetic intervals that the simulator never produces (boundaries off midnight,
  several boundaries on one day, rows exactly on a boundary, overlapping windows), the macros'
  day rows against a brute-force pandas sum per unit and day.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

INTERVALS = ["first_exposed_at", "window_end_at", "pre_period_start_at", "started_at"]


def interval_sums(units: pd.DataFrame, activity: pd.DataFrame, key: str, at: str,
                  measures: list[str]) -> pd.DataFrame:
    """Per experiment x unit, each measure summed over [first_exposed_at, window_end_at) and
    [pre_period_start_at, started_at), placing each activity row by its own timestamp."""
    joined = units[["experiment_id", "unit_id", *INTERVALS]].merge(
        activity[[key, at, *measures]], left_on="unit_id", right_on=key, how="inner")
    in_window = (joined[at] >= joined["first_exposed_at"]) & (joined[at] < joined["window_end_at"])
    in_pre = (joined[at] >= joined["pre_period_start_at"]) & (joined[at] < joined["started_at"])
    out = joined[["experiment_id", "unit_id"]].copy()
    for m in measures:
        out[f"{m}_in_window"] = np.where(in_window, joined[m], 0)
        out[f"{m}_pre_period"] = np.where(in_pre, joined[m], 0)
    sums = out.groupby(["experiment_id", "unit_id"], as_index=False).sum()
    return units[["experiment_id", "unit_id"]].merge(sums, how="left").fillna(0)


@pytest.fixture(scope="module")
def unit_values(warehouse) -> pd.DataFrame:
    return warehouse.execute("select * from int_experiment_unit_metrics_computed").df()


@pytest.fixture(scope="module")
def analysed_units(warehouse) -> pd.DataFrame:
    return warehouse.execute(
        "select * from int_experiment_exposures_deduplicated where not is_in_multiple_variants").df()


@pytest.fixture(scope="module")
def expected_unit_values(clean_raw, analysed_units) -> pd.DataFrame:
    """experiment_id, unit_id, metric_name -> numerator, denominator, covariate (or NaN)."""
    def ts(df, col):
        df = df.copy()
        df[col] = pd.to_datetime(df[col])
        return df

    users = analysed_units[analysed_units.randomization_unit == "user"]
    labelers = analysed_units[analysed_units.randomization_unit == "labeler"]
    creators = analysed_units[analysed_units.randomization_unit == "creator"]

    events = ts(clean_raw("app", "events", "event_id"), "event_at")
    kinds = {"video_view": "video_views", "app_open": "app_opens", "like": "likes"}
    for kind, col in kinds.items():
        events[col] = (events.event_type == kind).astype(int)
    events["watch_milliseconds"] = np.where(events.event_type == "video_view",
                                            events.watch_ms.fillna(0), 0)
    app = interval_sums(users, events, "user_id", "event_at",
                        ["watch_milliseconds", *kinds.values()])

    impressions = ts(clean_raw("ads", "impressions", "impression_id"), "shown_at")
    clicks = clean_raw("ads", "clicks", "click_id")
    impressions["clicks"] = impressions.impression_id.map(clicks.impression_id.value_counts()).fillna(0)
    impressions["impressions"] = 1
    ads = interval_sums(users, impressions, "user_id", "shown_at", ["impressions", "clicks"])

    reports = ts(clean_raw("trust_safety", "reports", "report_id"), "reported_at")
    reports["reports"] = 1
    risk = interval_sums(users, reports, "reporter_user_id", "reported_at", ["reports"])

    subs = ts(clean_raw("labeling", "submissions", "submission_id"), "submitted_at")
    tasks = clean_raw("labeling", "tasks", "task_id")
    subs = subs[~subs.is_skipped.astype(bool)].merge(
        tasks[["task_id", "is_gold", "gold_answer"]], on="task_id", how="left")
    gold = subs.is_gold.fillna(False).astype(bool)
    subs["submissions"] = 1
    subs["gold_submissions"] = gold.astype(int)
    subs["gold_correct"] = (gold & (subs.answer == subs.gold_answer)).astype(int)
    labeling = interval_sums(labelers, subs, "labeler_id", "submitted_at",
                             ["submissions", "gold_submissions", "gold_correct"])

    videos = clean_raw("app", "videos", "video_id")
    views = events[events.event_type == "video_view"].merge(videos[["video_id", "creator_id"]],
                                                           on="video_id")
    views["views_received"] = 1
    creator = interval_sums(creators, views, "creator_id", "event_at", ["views_received"])

    def metric(frame, name, num, den=None, cov=None, scale=1.0, cov_den=None):
        return pd.DataFrame({
            "experiment_id": frame.experiment_id, "unit_id": frame.unit_id, "metric_name": name,
            "numerator": frame[num] / scale,
            "denominator": frame[den] if den else 1.0,
            "covariate": frame[cov] / scale if cov else np.nan,
            "covariate_denominator": frame[cov_den] if cov_den else (1.0 if cov else np.nan),
        })

    return pd.concat([
        metric(app, "watch_seconds_per_user", "watch_milliseconds_in_window", None,
               "watch_milliseconds_pre_period", 1000.0),
        # quantile metrics: the same unit value, compared by its quantiles (no covariate)
        metric(app, "watch_seconds_per_user_p50", "watch_milliseconds_in_window", scale=1000.0),
        metric(app, "watch_seconds_per_user_p90", "watch_milliseconds_in_window", scale=1000.0),
        metric(app, "video_views_per_user", "video_views_in_window", None, "video_views_pre_period"),
        metric(app, "app_opens_per_user", "app_opens_in_window", None, "app_opens_pre_period"),
        metric(app, "likes_per_user", "likes_in_window", None, "likes_pre_period"),
        metric(ads, "ad_impressions_per_user", "impressions_in_window", None, "impressions_pre_period"),
        metric(ads, "ctr", "clicks_in_window", "impressions_in_window", "clicks_pre_period",
               cov_den="impressions_pre_period"),
        metric(risk, "reports_per_user", "reports_in_window", None, "reports_pre_period"),
        metric(labeling, "submissions_per_labeler", "submissions_in_window", None,
               "submissions_pre_period"),
        metric(labeling, "gold_accuracy", "gold_correct_in_window", "gold_submissions_in_window",
               "gold_correct_pre_period", cov_den="gold_submissions_pre_period"),
        metric(creator, "views_received_per_creator", "views_received_in_window", None,
               "views_received_pre_period"),
    ], ignore_index=True)


def test_unit_values_equal_row_by_row_sums_from_raw(unit_values, expected_unit_values):
    keys = ["experiment_id", "unit_id", "metric_name"]
    # the values before capping (test_experiment_heavy_tails.py checks the capping)
    got = unit_values[[*keys, "numerator_uncapped", "denominator", "covariate_uncapped", "covariate_denominator"]]
    got = got.rename(columns={"numerator_uncapped": "numerator", "covariate_uncapped": "covariate"})
    merged = got.merge(expected_unit_values, on=keys, how="inner", suffixes=("", "_expected"))
    # every unit value the model has is a metric of its experiment's domain: compare those
    assert len(merged) == len(got) and len(got) > 10_000, (len(merged), len(got))
    assert merged.metric_name.nunique() >= 8
    for col in ["numerator", "denominator"]:
        np.testing.assert_allclose(merged[col], merged[f"{col}_expected"], rtol=1e-12, atol=1e-9,
                                   err_msg=col)
    with_covariate = merged.covariate.notna()
    for col in ["covariate", "covariate_denominator"]:
        np.testing.assert_allclose(merged[col][with_covariate], merged[f"{col}_expected"][with_covariate],
                                   rtol=1e-12, atol=1e-9, err_msg=col)
    assert (merged.covariate_denominator.isna() == ~with_covariate).all()
    # the catalog declares a covariate for every count and ratio metric checked here, none for quantiles
    assert merged.loc[~with_covariate, "metric_name"].str.endswith(("_p50", "_p90")).all()
    # not a vacuous comparison: most units have activity in both intervals
    assert (merged.numerator > 0).mean() > 0.5 and (merged.covariate > 0).mean() > 0.3


def _synthetic(seed: int = 7):
    """Units whose boundaries fall on and off midnight, share days and overlap, and activity
    rows on, just before and just after those boundaries, and at random instants."""
    rng = np.random.default_rng(seed)
    day0 = pd.Timestamp("2026-08-01")
    units = []
    for i in range(400):
        off_midnight = rng.random(4) < 0.5
        def instant(day, off):
            t = day0 + pd.Timedelta(days=int(day))
            return t + pd.Timedelta(seconds=int(rng.integers(1, 86_400))) if off else t
        started = instant(rng.integers(3, 20), off_midnight[0])
        pre_start = (started - pd.Timedelta(days=int(rng.integers(0, 15)))
                     - pd.Timedelta(seconds=int(rng.integers(0, 86_400)) * int(off_midnight[1])))
        first = started + pd.Timedelta(seconds=int(rng.integers(0, 3 * 86_400)) * int(off_midnight[2]))
        if rng.random() < 0.1:   # exposed before the start (a misconfigured client)
            first = started - pd.Timedelta(hours=int(rng.integers(1, 40)))
        elif rng.random() < 0.05:   # ... even before the pre-period began: whole days apart
            first = pre_start - pd.Timedelta(hours=int(rng.integers(49, 120)))
        end = first + pd.Timedelta(seconds=int(rng.integers(0, 20 * 86_400)))
        if not off_midnight[3]:
            end = end.normalize()
        units.append(dict(experiment_id=f"x{i % 3}", unit_id=f"u{i // 2}", started_at=started,
                          pre_period_start_at=pre_start, first_exposed_at=first, window_end_at=end))
    units = pd.DataFrame(units).drop_duplicates(["experiment_id", "unit_id"])
    rows = []
    for u in units.itertuples():
        for b in INTERVALS:
            for delta in (-1, 0, 1):
                rows.append((u.unit_id, getattr(u, b) + pd.Timedelta(microseconds=delta)))
    n = 20_000
    at = day0 + pd.to_timedelta(rng.integers(0, 45 * 86_400, n), unit="s")
    rows += list(zip(rng.choice(units.unit_id.unique(), n), at))
    activity = pd.DataFrame(rows, columns=["unit_key", "happened_at"])
    activity["amount"] = rng.integers(0, 1000, len(activity))
    activity["occurrences"] = 1
    return units, activity


def _day_sums(compile_inline, units, activity, landed_days=None, rows_from=None):
    """The macros' day rows for synthetic `units` and `activity`, in DuckDB; the day totals are
    handed in as two rows per key and day (the model hands in several sources' rows)."""
    import duckdb

    landed = ('"' + " union all ".join(f"select cast('{d.date()}' as date)" for d in landed_days) + '"'
              if landed_days is not None else "none")
    bound = f"\"cast('{rows_from.date()}' as date)\"" if rows_from is not None else "none"
    sql = compile_inline(
        f"{{% set landed = {landed} %}}"
        "with cut_days as ({{ unit_cut_days('units', landed) }}) "
        "select * from ({{ unit_day_sums('units', 'cut_days', 'activity', 'activity_day_totals', "
        f"['amount', 'occurrences'], landed, {bound}) }}}}) as day_rows").strip()
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.register("units_df", units.rename(columns={"window_end_at": "window_closes_at"}))
    con.register("activity_df", activity)
    con.execute("create table units as select *, 'user' as randomization_unit from units_df")
    con.execute("create table activity as select 'user' as unit_kind, unit_key as activity_key,"
                " happened_at as activity_at, amount, occurrences, happened_at as _loaded_at from activity_df")
    # each key-day's total in two rows: the macro must add them
    con.execute("create table activity_day_totals as select unit_kind, activity_key,"
                " cast(activity_at as date) as activity_date, sum(amount) as amount,"
                " sum(occurrences) as occurrences, max(_loaded_at) as max_loaded_at"
                " from activity group by unit_kind, activity_key, activity_date, amount % 2")
    return con.execute(sql).df()


def _brute_force_day_sums(units, activity) -> pd.DataFrame:
    """Per experiment x unit x day of its pre-period's or window's days with activity: each
    row placed by its own timestamp."""
    joined = units.merge(activity, left_on="unit_id", right_on="unit_key")
    day = joined.happened_at.dt.normalize()
    analysis_day = (day.between(joined.pre_period_start_at.dt.normalize(), joined.started_at.dt.normalize())
                    | ((day >= joined.first_exposed_at.dt.normalize())
                       & (day <= joined.window_end_at.dt.normalize())))
    joined = joined[analysis_day]
    at = joined.happened_at
    parts = {"in_window": (at >= joined.first_exposed_at) & (at < joined.window_end_at),
             "pre_period": (at >= joined.pre_period_start_at) & (at < joined.started_at)}
    out = joined[["experiment_id", "unit_id"]].assign(activity_date=at.dt.normalize())
    for m in ["amount", "occurrences"]:
        for part, inside in parts.items():
            out[f"{m}_{part}"] = np.where(inside, joined[m], 0)
    return out.groupby(["experiment_id", "unit_id", "activity_date"], as_index=False).sum()


SUMS = [f"{m}_{part}" for m in ["amount", "occurrences"] for part in ["in_window", "pre_period"]]


def _same_day_rows(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    keys = ["experiment_id", "unit_id", "activity_date"]
    got = got.assign(activity_date=pd.to_datetime(got.activity_date))
    assert not got.duplicated(keys).any()
    merged = expected.merge(got, on=keys, how="outer", suffixes=("_expected", ""), indicator=True)
    assert (merged._merge == "both").all(), merged[merged._merge != "both"].head()
    for col in SUMS:
        np.testing.assert_array_equal(merged[col].astype(float), merged[f"{col}_expected"].astype(float),
                                      err_msg=col)


def test_unit_day_sums_macro_against_brute_force(compile_inline):
    """Every unit's day rows (the exposure day's part after the exposure only, ...) equal the
    row-by-row placement, and so do the unit sums over all its days."""
    units, activity = _synthetic()
    got = _day_sums(compile_inline, units, activity)
    expected = _brute_force_day_sums(units, activity)
    _same_day_rows(got, expected)
    assert len(got) > 3000
    # summed over the days: the interval sums of the plain definition
    per_unit = got.groupby(["experiment_id", "unit_id"], as_index=False)[SUMS].sum()
    plain = interval_sums(units, activity, "unit_key", "happened_at", ["amount", "occurrences"])
    merged = plain.merge(per_unit, on=["experiment_id", "unit_id"], how="left",
                         suffixes=("_expected", "")).fillna(0)
    for col in SUMS:
        np.testing.assert_array_equal(merged[col].astype(float), merged[f"{col}_expected"].astype(float),
                                      err_msg=col)
    # the synthetic case exercises what the simulator does not: rows exactly on boundaries
    assert (merged.occurrences_pre_period_expected > 0).mean() > 0.5
    assert (units.started_at != units.started_at.dt.normalize()).any()
    assert (units.window_end_at != units.window_end_at.dt.normalize()).any()
    # windows with whole days before the pre-period, and windows that end before the start
    day = pd.Timedelta(days=1)
    assert (units.first_exposed_at.dt.normalize() + day < units.pre_period_start_at.dt.normalize()).any()
    assert (units.window_end_at.dt.normalize() + day < units.started_at.dt.normalize()).any()


def test_unit_day_sums_macro_builds_the_days_asked(compile_inline):
    """The incremental form (int_experiment_unit_days_aggregated): every day of a unit with
    is_rebuilt, only the landed days of the others, each row as in a full build; rows_from
    at the earliest cut day built changes nothing."""
    units, activity = _synthetic(seed=11)
    rng = np.random.default_rng(3)
    units["is_rebuilt"] = rng.random(len(units)) < 0.3
    day0 = pd.Timestamp("2026-08-01")
    landed = [day0 + pd.Timedelta(days=d) for d in (12, 13, 20)]
    expected = _brute_force_day_sums(units, activity)
    rebuilt = expected.merge(units[["experiment_id", "unit_id", "is_rebuilt"]]).is_rebuilt
    expected = expected[rebuilt | expected.activity_date.isin(landed)]
    cut_days = []
    for b in INTERVALS:
        on_cut = units[units[b] != units[b].dt.normalize()]
        built = on_cut.is_rebuilt | on_cut[b].dt.normalize().isin(landed)
        cut_days += list(on_cut[b][built].dt.normalize())
    got = _day_sums(compile_inline, units, activity, landed, rows_from=min(cut_days))
    _same_day_rows(got, expected)
    # not vacuous: units not rebuilt keep only the landed days, and those have rows
    assert got.activity_date.nunique() > 3 and pd.to_datetime(got.activity_date).isin(landed).sum() > 100
