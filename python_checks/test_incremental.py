"""Incremental runs give the answer of a full rebuild (issue 8).

The small dataset is landed up to the day before its simulated window ends
(simulator --landed-through), built in full, then extended one landing day at
a time (simulator --append-day, INCREMENTAL_DAYS days) with a plain incremental
`dbt build` after each day, and finally by the tail of late rows and duplicates. Checks:
* every table and view then equals, row for row, the full build of the same
  landing zone that the other checks read (`make test`'s build of the same
  simulation; floats to 1e-9 relative);
* re-running the last day changes nothing;
* one late event (for an old day, landing after that day's rows) changes
  the user-day rows of exactly that day and DAU on exactly that day.
Models and seeds only: the data tests run on the `make test` build. The
nightly scope of the data tests (`data_tests_scope: recent`) is checked on a
copy of that build.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import REPO, SANDBOX_DUCKDB, run_sandbox, sandbox_env

INCREMENTAL_DAYS = 2
UNIT_DAYS = "int_experiment_unit_days_aggregated"


def simulate(out: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "simulator", "--out", str(out), *args],
                   cwd=REPO, check=True, capture_output=True, text=True)


def build(sandbox: Path, *selection: str, duckdb_path: Path | None = None) -> str:
    """Models and seeds of the sandbox (conftest.make_sandbox) on its own raw/
    (or the `selection` arguments), into its DuckDB file or `duckdb_path`; dbt's output."""
    env = sandbox_env(sandbox, sandbox / "raw", SV_PUBLISH_PATH=str(sandbox))
    if duckdb_path is not None:
        env["SV_DUCKDB_PATH"] = str(duckdb_path)
    args = list(selection) or ["--resource-type", "model", "--resource-type", "seed"]
    result = run_sandbox(sandbox, ["build", *args], env)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return result.stdout


def landing_dates(raw: Path) -> list[str]:
    return sorted({p.name[len("landed_"):len("landed_") + 10] for p in raw.glob("*/*/landed_2*.parquet")})


def table_names(con) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' order by 1").fetchall()
    return [r[0] for r in rows]


def frame(con, name: str) -> pd.DataFrame:
    return con.execute(f'select * from "{name}"').df()


def same_rows(left: pd.DataFrame, right: pd.DataFrame) -> bool:
    """Equal as multisets of rows; float columns to 1e-9 relative (sums over
    a different row order round differently)."""
    if list(left.columns) != list(right.columns) or len(left) != len(right):
        return False
    floats = [c for c in left.columns if left[c].dtype.kind == "f"]
    keys = [c for c in left.columns if c not in floats]
    left = left.astype({c: str for c in keys}).sort_values(keys + floats, kind="mergesort").reset_index(drop=True)
    right = right.astype({c: str for c in keys}).sort_values(keys + floats, kind="mergesort").reset_index(drop=True)
    if not left[keys].equals(right[keys]):
        return False
    return all(np.allclose(left[c].astype(float), right[c].astype(float), rtol=1e-9, atol=1e-12, equal_nan=True)
               for c in floats)


def identical_rows(con, name: str) -> bool:
    """Relation `name` of the connection's database has the same columns and
    the same multiset of rows as its copy in the attached `snapshot`, exactly
    (except all treats nulls, and NaNs, as equal)."""
    def columns(database: str) -> list[tuple]:
        return con.execute("select column_name, data_type from duckdb_columns() where database_name = ? "
                           "and schema_name = 'main' and table_name = ? order by column_index",
                           [database, name]).fetchall()
    if columns(con.execute("select current_database()").fetchall()[0][0]) != columns("snapshot"):
        return False
    return all(con.execute(f"select count(*) from (select * from {x} except all select * from {y})").fetchall()
               == [(0,)] for x, y in [(f'main."{name}"', f'snapshot.main."{name}"'),
                                      (f'snapshot.main."{name}"', f'main."{name}"')])


def differing_relations(a: Path, b: Path) -> list[str]:
    """The tables and views whose rows differ between warehouses a and b.
    b's relations are copied into one snapshot file that a's connection
    attaches (b's views name b's own catalog, so b cannot be attached as is);
    relations that are not identical are compared again with a float tolerance."""
    with tempfile.TemporaryDirectory() as work:
        snapshot = Path(work) / "snapshot.duckdb"
        with duckdb.connect(str(b), read_only=True) as cb:
            names = table_names(cb)
            cb.execute(f"attach '{snapshot}' as snapshot (read_only false)")
            for name in names:
                cb.execute(f'create table snapshot.main."{name}" as select * from main."{name}"')
            cb.execute("detach snapshot")
        with duckdb.connect(str(a), read_only=True) as ca:
            assert table_names(ca) == names
            # a's file may be the session's warehouse, open in this process:
            # the attachment is undone before the connection is handed back
            ca.execute(f"attach '{snapshot}' as snapshot (read_only)")
            try:
                inexact = [name for name in names if not identical_rows(ca, name)]
                # a rebuilt day's float sums may round differently
                return [name for name in inexact
                        if not same_rows(frame(ca, name), ca.execute(f'select * from snapshot.main."{name}"').df())]
            finally:
                ca.execute("detach snapshot")


def land_one_row(table_dir: Path, suffix: str, values: dict, kind: str | None = None) -> None:
    """Write a landing file into raw/<system>/<table>/ holding one copy of the
    table's first landed row (of event_type `kind` if given) with `values`
    set; named after the day of its _loaded_at, as the loader names files."""
    template = pq.read_table(sorted(table_dir.glob("landed_2*.parquet"))[0])
    rows = template.to_pandas()
    row = (rows[rows["event_type"] == kind] if kind else rows).head(1).copy()
    for column, value in values.items():
        row[column] = value
    landed_on = pd.Timestamp(row["_loaded_at"].iloc[0]).date()
    pq.write_table(pa.Table.from_pandas(row, schema=template.schema, preserve_index=False),
                   table_dir / f"landed_{landed_on}_{suffix}.parquet")


def simulator_flags(data_dir: Path) -> dict:
    flags = json.loads((data_dir / "truth" / "run_summary.json").read_text())["flags"]
    return {k: v for k, v in flags.items() if k != "out"}


@pytest.fixture(scope="module")
def daily_cycle(sim_dir, warehouse_path, new_sandbox):
    """(incrementally built folder, full build of the same landing zone): the
    full build is the session's (`make test`'s) build of sim_dir, whose
    simulation the daily folder repeats one landing day at a time."""
    flags = simulator_flags(sim_dir)
    dates = landing_dates(sim_dir / "raw")
    window_end = dt.date.fromisoformat(flags["start_date"]) + dt.timedelta(days=flags["days"] - 1)
    # land up to the day before the simulated window ends, then the next
    # landing days one at a time (each with late rows of earlier days), then the tail
    # of late rows and duplicates that lands over the following days at once
    start = str(window_end - dt.timedelta(days=INCREMENTAL_DAYS - 1))
    daily = new_sandbox("daily")  # also holds the raw/ and truth/ it lands day by day
    simulate(daily, "--preset", flags["preset"], "--seed", str(flags["seed"]), "--landed-through", start)
    assert simulator_flags(daily) == flags, "sim_dir was simulated with flags the daily cycle does not repeat"
    assert landing_dates(daily / "raw")[-1] == start
    build(daily)
    for _ in range(INCREMENTAL_DAYS):
        simulate(daily, "--append-day")
        output = build(daily)
    # the state after the last daily run and the select it ran for the experiment unit-days,
    # for test_experiment_unit_days_built_equal_a_full_build
    (daily / "after_days.log").write_text(output)
    shutil.copy(daily / SANDBOX_DUCKDB, daily / "after_days.duckdb")
    shutil.copy(next((daily / "target" / "compiled").rglob(f"{UNIT_DAYS}.sql")), daily / "after_days_unit_days.sql")
    simulate(daily, "--append-days", "60")
    build(daily)
    assert landing_dates(daily / "raw") == dates
    return daily, warehouse_path


def test_daily_incremental_runs_equal_a_full_rebuild(daily_cycle):
    daily, full = daily_cycle
    with duckdb.connect(str(daily / SANDBOX_DUCKDB), read_only=True) as con:
        incremental = [r[0] for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'main' "
            "and table_name in ('stg_app__events', 'int_user_days_aggregated')").fetchall()]
        assert len(incremental) == 2
        late = con.execute(
            "select count(*) from stg_app__events where cast(event_at as date) < cast(_loaded_at as date) - 1"
        ).fetchall()[0][0]
        assert late > 0  # late rows exist and were staged
    differing = differing_relations(daily / SANDBOX_DUCKDB, full)
    assert differing == [], differing


def test_experiment_unit_days_built_equal_a_full_build(daily_cycle, tmp_path):
    """The last daily run built only part of the experiment unit-days (the days of activity
    landed inside the window, every day of the units first exposed inside it), and the table
    then equals the same model built in full over the same landing zone. (The final comparison
    with the full build comes after the tail of late rows.) The rows the run built are its
    compiled select run again: it reads only the upstream tables, which the run left as they
    were, and constants."""
    daily, _ = daily_cycle
    select = (daily / "after_days_unit_days.sql").read_text()
    assert "is_rebuilt" in select and "exists" in select, "the daily run did not compile the incremental form"
    with duckdb.connect() as con:
        con.execute(f"attach '{daily / 'after_days.duckdb'}' as warehouse (read_only)")
        con.execute("use warehouse")
        built = con.execute(f"select count(*), count(distinct activity_date) from ({select})").fetchall()[0]
        total = con.execute(f"select count(*), count(distinct activity_date) from {UNIT_DAYS}").fetchall()[0]
    # part of the rows, on every day (new units), most of them on the landed days
    assert 100 < built[0] < 0.5 * total[0], (built, total)
    summed_in_full = tmp_path / "summed_in_full.duckdb"
    shutil.copy(daily / "after_days.duckdb", summed_in_full)
    build(daily, "--select", UNIT_DAYS, "--full-refresh", duckdb_path=summed_in_full)
    with duckdb.connect(str(daily / "after_days.duckdb"), read_only=True) as con:
        daily_rows = frame(con, UNIT_DAYS)
    with duckdb.connect(str(summed_in_full), read_only=True) as con:
        full_rows = frame(con, UNIT_DAYS)
    assert len(daily_rows) > 1000
    assert same_rows(daily_rows, full_rows)


def test_rerunning_the_same_day_changes_nothing(daily_cycle, tmp_path):
    daily, _ = daily_cycle
    before = tmp_path / "before.duckdb"
    shutil.copy(daily / SANDBOX_DUCKDB, before)
    build(daily)
    assert differing_relations(before, daily / SANDBOX_DUCKDB) == []


def test_a_late_row_changes_exactly_its_day(daily_cycle, tmp_path):
    daily, _ = daily_cycle
    db = daily / SANDBOX_DUCKDB
    before = tmp_path / "before.duckdb"
    shutil.copy(db, before)
    with duckdb.connect(str(before), read_only=True) as con:
        last_loaded = con.execute("select max(_loaded_at) from stg_app__events").fetchall()[0][0]
        # a day inside the marts' window (it ends before the tail of late landings)
        late_day = con.execute("select max(metric_date) from metrics_engagement_daily").fetchall()[0][0]
        late_day -= dt.timedelta(days=1)
        # a staged user with a signup before the day and no activity that day
        user, country, platform = con.execute(f"""
            select e.user_id, any_value(e.country), any_value(e.platform)
            from stg_app__events e join stg_app__users u using (user_id)
            where u.signup_at < date '{late_day}'
            group by e.user_id
            having count(*) filter (where cast(e.event_at as date) = date '{late_day}') = 0
               and count(distinct e.country) = 1 and count(distinct e.platform) = 1
            order by e.user_id limit 1""").fetchall()[0]
        dau = con.execute("select metric_date, dau from metrics_engagement_daily where dimension_name = 'all'").df()
    # the late row: a copy of one of the user's raw app_open events, moved to
    # noon of the late day and landing an hour after the newest row
    land_one_row(daily / "raw" / "app" / "events", "late", {
        "event_id": "evt_99999999", "user_id": user, "country": country, "platform": platform,
        "event_at": pd.Timestamp(late_day) + pd.Timedelta(hours=12),
        "_loaded_at": pd.Timestamp(last_loaded) + pd.Timedelta(hours=1), "session_hint": None}, kind="app_open")
    build(daily)
    with duckdb.connect(str(db), read_only=True) as new, duckdb.connect(str(before), read_only=True) as old:
        assert new.execute("select count(*) from stg_app__events where event_id = 'evt_99999999'").fetchall() == [(1,)]
        keys = ["user_id", "activity_date", "dimension_name", "dimension_value"]
        merged = new.execute("select * from int_user_days_aggregated").df().merge(
            old.execute("select * from int_user_days_aggregated").df(), on=keys, how="outer",
            suffixes=("", "_old"), indicator=True)
        assert (merged["_merge"] != "right_only").all()  # no user-day lost
        kept = merged[merged["_merge"] == "both"]
        for col in [c for c in merged.columns if c.endswith("_old")]:
            new_col = kept[col[:-len("_old")]]
            if new_col.dtype.kind == "f":  # a rebuilt day's float sums may round differently
                assert np.allclose(new_col, kept[col], rtol=1e-9, atol=1e-12), col
            else:
                assert (new_col == kept[col]).all(), col
        added = merged[merged["_merge"] == "left_only"]
        assert set(added["activity_date"].astype(str)) == {str(late_day)}
        assert set(added["user_id"]) == {user}
        assert len(added) == 5  # all, country, platform, age band, acquisition channel
        dau_after = new.execute("select metric_date, dau from metrics_engagement_daily where dimension_name = 'all'").df()
    delta = dau_after.merge(dau, on="metric_date", suffixes=("_after", "_before"))
    delta["change"] = delta["dau_after"] - delta["dau_before"]
    moved = delta[delta["change"] != 0]
    assert len(delta) == len(dau) and moved["metric_date"].astype(str).tolist() == [str(late_day)]
    assert moved["change"].tolist() == [1]


def test_recent_scope_tests_the_rows_of_the_last_days(warehouse_path, sim_dir, new_sandbox, parsed_project):
    """A daily run's uniqueness tests (their `where:` config) see a duplicate
    among the rows of the last lookback days and not one on an older day
    (that is the full suite's job): on an event-grain view (no _loaded_at:
    by event time since the earliest staged row of its window), on a table
    (by max_loaded_at), on a staged table (by _loaded_at) and on a
    rejected-rows table (by _loaded_at, counted back per source_table as its
    lookback_replace window is). Without the var no test has a filter."""
    view_test = "unique_combination_of_columns_int_ad_activity_unioned_activity_kind__activity_id"
    table_test = "unique_fct_sessions_session_id"
    staged_test = "unique_stg_app__events_event_id"
    rejected_test = "unique_combination_of_columns_stg_ads__rejected_rows_source_table__rejected_row_number"
    scoped_tests = (view_test, table_test, staged_test, rejected_test)
    manifest = json.loads((parsed_project / "target" / "manifest.json").read_text())
    wheres = {node["name"]: node["config"].get("where") for node in manifest["nodes"].values()
              if node["resource_type"] == "test"}
    assert set(scoped_tests) <= set(wheres), sorted(set(scoped_tests) - set(wheres))
    assert not {name: where for name, where in wheres.items() if where}  # the full suite: no filter
    root = new_sandbox("recent_scope")
    db = root / SANDBOX_DUCKDB
    shutil.copy(warehouse_path, db)
    result = run_sandbox(root, ["compile", "--select", *scoped_tests, "--vars", "{data_tests_scope: recent}"],
                         sandbox_env(root, sim_dir / "raw"))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    compiled = {node["name"]: node["compiled_code"]
                for node in json.loads((root / "target" / "manifest.json").read_text())["nodes"].values()
                if node["name"] in scoped_tests}
    assert all(" where " in compiled[name] for name in scoped_tests), compiled
    with duckdb.connect(str(db)) as con:
        def failures(test: str) -> int:
            return con.execute(f"select count(*) from ({compiled[test]})").fetchall()[0][0]

        newest = con.execute("select max(activity_date) from int_ad_activity_unioned "
                             "where activity_kind = 'request'").fetchall()[0][0]

        def copy_one_request_of(day) -> None:
            con.execute(f"""
                insert into stg_ads__ad_requests
                select * from stg_ads__ad_requests
                where request_id = (select min(activity_id) from int_ad_activity_unioned
                                    where activity_kind = 'request' and activity_date = date '{day}')""")

        def duplicated_ids() -> int:
            return con.execute("select count(*) - count(distinct activity_id) from int_ad_activity_unioned "
                               "where activity_kind = 'request'").fetchall()[0][0]

        assert failures(view_test) == 0
        copy_one_request_of(newest - dt.timedelta(days=10))
        assert duplicated_ids() == 1 and failures(view_test) == 0  # old day: outside the daily scope
        copy_one_request_of(newest - dt.timedelta(days=1))
        assert duplicated_ids() == 2 and failures(view_test) == 1  # inside the lookback window

        def copy_one_row_landed(table: str, key: str, condition: str) -> int:
            """Copies one row of `table` meeting `condition`; the duplicated keys then."""
            con.execute(f"""
                insert into {table}
                select * from {table}
                where {key} = (select min({key}) from {table} where {condition})""")
            return con.execute(f"select count(*) - count(distinct {key}) from {table}").fetchall()[0][0]

        for test, table, key, landed in [(table_test, "fct_sessions", "session_id", "max_loaded_at"),
                                         (staged_test, "stg_app__events", "event_id", "_loaded_at")]:
            newest_landing = con.execute(f"select max({landed}) from {table}").fetchall()[0][0]
            assert failures(test) == 0
            assert copy_one_row_landed(table, key, f"{landed} < timestamp '{newest_landing}' - interval 10 day") == 1
            assert failures(test) == 0, table  # landed long before the newest: outside the daily scope
            assert copy_one_row_landed(table, key, f"{landed} > timestamp '{newest_landing}' - interval 1 day") == 2
            assert failures(test) == 1, table  # inside the lookback window

        # the raw table whose newest rejected row landed longest before the
        # table's newest (and at least 11 days after its oldest): its window
        # is its own, not the whole table's
        real_rows = "rejection_reason <> 'future_timestamp:_loaded_at'"
        source_table, its_newest, lag = con.execute(f"""
            select source_table, max(_loaded_at), max(max(_loaded_at)) over () - max(_loaded_at)
            from stg_ads__rejected_rows where {real_rows} group by source_table
            having max(_loaded_at) - min(_loaded_at) > interval 11 day order by 3 desc limit 1""").fetchall()[0]
        assert lag > dt.timedelta(days=4), (source_table, lag)  # else one window for the table would pass too

        def copy_one_rejected_row(condition: str) -> int:
            """Copies one rejected row of source_table meeting `condition`; the duplicated keys then."""
            con.execute(f"""
                insert into stg_ads__rejected_rows
                select * from stg_ads__rejected_rows
                where source_table = '{source_table}' and rejected_row_number = (
                    select min(rejected_row_number) from stg_ads__rejected_rows
                    where source_table = '{source_table}' and {condition})""")
            return con.execute("""
                select (select count(*) from stg_ads__rejected_rows) - count(*)
                from (select distinct source_table, rejected_row_number from stg_ads__rejected_rows) as keys
            """).fetchall()[0][0]

        assert failures(rejected_test) == 0
        assert copy_one_rejected_row(f"_loaded_at < timestamp '{its_newest}' - interval 10 day") == 1
        assert failures(rejected_test) == 0  # landed long before its table's newest rejected row
        assert copy_one_rejected_row(f"_loaded_at > timestamp '{its_newest}' - interval 1 day") == 2
        assert failures(rejected_test) == 1  # inside its table's window
        # a row from a loader whose clock is wrong (quarantined for its future
        # _loaded_at) does not move the window past every real row
        con.execute(f"""
            insert into stg_ads__rejected_rows
            select source_table, max(rejected_row_number) + 1, null, 'quarantined', 'future_timestamp:_loaded_at',
                'future_timestamp', timestamp '2099-01-01 00:00:00', '{{}}'
            from stg_ads__rejected_rows where source_table = '{source_table}' group by source_table""")
        assert failures(rejected_test) == 1


def test_a_late_click_changes_its_impressions_day_and_its_own(daily_cycle, tmp_path):
    """The ad-activity-day base (int_ad_activity_days_aggregated) rebuilds only
    affected days: a click counts on the day of its impression (clicks) and on
    its own day (clicks_on_day, revenue), so a late click must change those two
    days of the funnel summed from it and nothing else, even when no other row
    of the window falls on them."""
    daily, _ = daily_cycle
    db = daily / SANDBOX_DUCKDB
    before = tmp_path / "before.duckdb"
    shutil.copy(db, before)
    with duckdb.connect(str(before), read_only=True) as con:
        # the click lands after every row so far: inside the lookback window
        # of each table it reaches (staged clicks, rejected rows, the base)
        last_loaded = con.execute("""
            select max(_loaded_at) from (
                select _loaded_at from stg_app__events union all select _loaded_at from stg_ads__ad_requests
                union all select _loaded_at from stg_ads__impressions union all select _loaded_at from stg_ads__clicks
                union all select _loaded_at from stg_ads__conversions union all select _loaded_at from stg_app__users
                union all select _loaded_at from stg_ads__campaigns
                union all select _loaded_at from stg_ads__rejected_rows)""").fetchall()[0][0]
        # the base's next run rebuilds the days of rows landed after its
        # watermark minus 3 days: pick two days that no such row touches
        watermark = con.execute("select max(max_loaded_at) from int_ad_activity_days_aggregated").fetchall()[0][0]
        funnel_days = sorted(r[0] for r in con.execute("select distinct activity_date from fct_ad_funnel_daily").fetchall())
        shown_day = funnel_days[-8]
        click_day = shown_day + dt.timedelta(days=1)
        recent_ad_days = {r[0] for r in con.execute(f"""
            select distinct activity_date from int_ad_activity_unioned
            where _loaded_at > timestamp '{watermark}' - interval 4 day""").fetchall()}
        assert not {shown_day, click_day} & recent_ad_days
        impression_id, placement, country, campaign_id = con.execute(f"""
            select impressions.impression_id, impressions.placement, impressions.country, impressions.campaign_id
            from int_ad_impressions_enriched as impressions
            inner join stg_app__users as users on impressions.user_id = users.user_id
            inner join stg_ads__campaigns as campaigns on impressions.campaign_id = campaigns.campaign_id
            where impressions.shown_date = date '{shown_day}'
                and greatest(users._loaded_at, campaigns._loaded_at) < timestamp '{watermark}' - interval 4 day
            order by impressions.impression_id limit 1""").fetchall()[0]
        funnel_before = con.execute("select * from fct_ad_funnel_daily").df()
    land_one_row(daily / "raw" / "ads" / "clicks", "late_click", {
        "click_id": "clk_9999999", "impression_id": impression_id, "revenue_micros": 250_000,
        "clicked_at": pd.Timestamp(click_day) + pd.Timedelta(hours=12),
        "_loaded_at": pd.Timestamp(last_loaded) + pd.Timedelta(hours=2)})
    build(daily)
    with duckdb.connect(str(db), read_only=True) as new:
        assert new.execute("select count(*) from stg_ads__clicks where click_id = 'clk_9999999'").fetchall() == [(1,)]
        funnel_after = new.execute("select * from fct_ad_funnel_daily").df()
    keys = ["activity_date", "placement", "country", "campaign_id"]
    counts = ["ad_requests", "filled_requests", "impressions", "clicks", "conversions", "clicks_on_day",
              "conversions_on_day", "click_revenue_usd", "impression_revenue_usd", "conversion_revenue_usd"]
    merged = funnel_after[keys + counts].merge(funnel_before[keys + counts], on=keys, how="outer",
                                               suffixes=("", "_before"), indicator=True)
    assert (merged["_merge"] != "right_only").all()
    for col in counts:
        merged[col + "_change"] = merged[col] - merged[col + "_before"].fillna(0)
    changed = merged[(merged[[c + "_change" for c in counts]].abs() > 1e-9).any(axis=1)]
    the_impression = (placement, country, campaign_id)
    assert sorted(changed["activity_date"].astype(str)) == [str(shown_day), str(click_day)]
    assert all(tuple(r) == the_impression for r in changed[["placement", "country", "campaign_id"]].values)
    on_shown_day = changed[changed["activity_date"].astype(str) == str(shown_day)].iloc[0]
    on_click_day = changed[changed["activity_date"].astype(str) == str(click_day)].iloc[0]
    assert {c: on_shown_day[c + "_change"] for c in counts if on_shown_day[c + "_change"]} == {"clicks": 1}
    assert {c: round(on_click_day[c + "_change"], 9) for c in counts if on_click_day[c + "_change"]} == \
        {"clicks_on_day": 1, "click_revenue_usd": 0.25}


def test_a_late_file_of_one_table_keeps_raw_equal_to_staged_plus_rejected(daily_cycle):
    """A rejected-rows table holds several raw tables whose rows land at
    different times (here campaigns land days after the last conversions).
    A late conversions file, newer than every staged conversion but older
    than the lookback window of the newest rejected campaign, is classified:
    its malformed row is quarantined, not lost between staging and rejection."""
    daily, _ = daily_cycle
    db = daily / SANDBOX_DUCKDB
    with duckdb.connect(str(db), read_only=True) as con:
        newest_conversion = con.execute("select max(_loaded_at) from stg_ads__conversions").fetchall()[0][0]
        newest_rejected = con.execute("select max(_loaded_at) from stg_ads__rejected_rows").fetchall()[0][0]
    landed_at = pd.Timestamp(newest_conversion) + pd.Timedelta(hours=1)
    # the case one window for the whole rejected-rows table missed
    assert landed_at < pd.Timestamp(newest_rejected) - pd.Timedelta(days=3)
    raw_conversions = daily / "raw" / "ads" / "conversions"
    land_one_row(raw_conversions, "delayed", {"conversion_id": "not-a-conversion-id", "_loaded_at": landed_at})
    build(daily)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select rejection_reason from stg_ads__rejected_rows "
                           "where row_key = 'not-a-conversion-id'").fetchall() == [("malformed_id:conversion_id",)]
        raw, staged, rejected = con.execute(f"""
            select
                (select count(*) from read_parquet('{raw_conversions}/*.parquet')),
                (select count(*) from stg_ads__conversions),
                (select count(*) from stg_ads__rejected_rows where source_table = 'conversions')""").fetchall()[0]
    assert raw == staged + rejected


def test_withdrawn_files_are_repaired_to_a_full_rebuild(daily_cycle):
    """A file that was staged, then found bad and removed from the landing
    zone, stays in the append-only staging tables; `make repair
    LANDED_SINCE=<its landing date>` takes it out everywhere. Here the files the
    tests above landed (a late event, a late click, a delayed conversion) and
    a mistaken copy of 20 events are withdrawn: after the repair the warehouse
    equals the full build of the original landing zone again."""
    daily, full = daily_cycle
    events = daily / "raw" / "app" / "events"
    a_day = max(events.glob("landed_2*.parquet"), key=lambda f: f.stat().st_size)  # a whole landing day's file
    mistaken = pq.read_table(a_day).to_pandas().head(20)  # a replayed export with fresh ids
    mistaken["event_id"] = [f"evt_6666666{i:02d}" for i in range(20)]
    with duckdb.connect(str(daily / SANDBOX_DUCKDB), read_only=True) as con:  # it lands after every staged row
        mistaken["_loaded_at"] = pd.Timestamp(con.execute("select max(_loaded_at) from stg_app__events").fetchall()[0][0]) \
            + pd.Timedelta(hours=1)
    pq.write_table(pa.Table.from_pandas(mistaken, schema=pq.read_schema(a_day), preserve_index=False),
                   events / f"landed_{mistaken['_loaded_at'].iloc[0].date()}_mistaken.parquet")
    build(daily)
    suffixes = ("_late", "_late_click", "_delayed", "_mistaken")  # the files land_one_row() and this test wrote
    withdrawn = [f for f in (daily / "raw").glob("*/*/landed_*.parquet") if f.stem.endswith(suffixes)]
    assert any(f.stem.endswith("_mistaken") for f in withdrawn)
    landed_since = min(pq.read_table(f, columns=["_loaded_at"]).column(0).to_pandas().min().date() for f in withdrawn)
    for f in withdrawn:
        f.unlink()
    with duckdb.connect(str(daily / SANDBOX_DUCKDB), read_only=True) as con:
        assert con.execute("select count(*) from stg_app__events where event_id like 'evt_6666666%'").fetchall() \
            == [(20,)]  # staged, and a plain nightly run would keep them
    env = sandbox_env(daily, daily / "raw")
    repair = subprocess.run(["make", "-f", str(REPO / "Makefile"), "-C", str(daily), "repair",
                             f"LANDED_SINCE={landed_since}", f"VENV={REPO / '.venv'}"],
                            env=env, capture_output=True, text=True)
    assert repair.returncode == 0, repair.stdout[-4000:] + repair.stderr[-2000:]
    assert "stg_app__events: withdrew" in repair.stdout
    assert differing_relations(daily / SANDBOX_DUCKDB, full) == []
