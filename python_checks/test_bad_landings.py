"""Bad files in the landing zone cannot poison the nightly run (issue 28).

One sandbox lands the small dataset's app tables day by day and builds the
app models incrementally (the engagement lineage up to fct_active_users_daily,
plus stg_app__rejected_rows; every build runs the row reconciliation tests
of the app tables and must pass), while bad files
land between the days:
* a row whose `_loaded_at` is in 2099 (a loader with a wrong clock) is
  quarantined, and the next days' rows are still staged: the day-by-day state
  equals a full refresh of the same landing zone with the file present, and
  again after the file is withdrawn;
* timestamps given as text are read with their UTC offset, text that is no
  timestamp and a missing event time are quarantined, not fatal;
* an absurd watch time is quarantined as implausible.
Withdrawing a file that was staged (`make repair`) is checked on the full
project in test_incremental.py.
"""
from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import SANDBOX_DUCKDB, run_sandbox, sandbox_env
from test_incremental import (build, differing_relations, land_one_row, landing_dates, simulate,
                              simulator_flags)

APP_MODELS = ["+fct_active_users_daily", "stg_app__rejected_rows"]
RECONCILE = "test_name:rows_reconcile_with_raw,path:models/staging/app"


def build_app(sandbox, *extra, duckdb_path=None) -> str:
    """The app models and (only) the reconciliation tests of the app tables."""
    return build(sandbox, "--select", *APP_MODELS, RECONCILE, "--indirect-selection", "empty",
                 *extra, duckdb_path=duckdb_path)


def equals_a_full_refresh(sandbox, tmp_path) -> list[str]:
    """The relations of the sandbox's warehouse that differ from a full
    refresh of the same models over the same landing zone."""
    full = tmp_path / f"full_{len(list(tmp_path.glob('full_*.duckdb')))}.duckdb"
    build_app(sandbox, "--full-refresh", duckdb_path=full)
    return differing_relations(sandbox / SANDBOX_DUCKDB, full)


def reconcile(sandbox):
    return run_sandbox(sandbox, ["test", "--select", RECONCILE], sandbox_env(sandbox, sandbox / "raw"))


def rejected(con, event_id: str) -> list[tuple]:
    return con.execute("select rejection_reason from stg_app__rejected_rows where row_key = ?", [event_id]).fetchall()


@pytest.fixture(scope="module")
def landing(sim_dir, new_sandbox):
    """A sandbox with the small dataset landed up to two days before its window
    ends, its app models built in full."""
    flags = simulator_flags(sim_dir)
    window_end = dt.date.fromisoformat(flags["start_date"]) + dt.timedelta(days=flags["days"] - 1)
    sandbox = new_sandbox("bad_landings")
    simulate(sandbox, "--preset", flags["preset"], "--seed", str(flags["seed"]),
             "--landed-through", str(window_end - dt.timedelta(days=2)))
    build_app(sandbox)
    return sandbox


def test_a_landing_time_in_the_future_does_not_stop_later_days(landing, tmp_path):
    events = landing / "raw" / "app" / "events"
    land_one_row(events, "clock_skew", {"event_id": "evt_77777701", "_loaded_at": pd.Timestamp("2099-01-01")})
    (skewed,) = events.glob("landed_2099-01-01_clock_skew.parquet")
    build_app(landing)
    landed_before = set(landing_dates(landing / "raw"))
    simulate(landing, "--append-day")
    (new_day,) = set(landing_dates(landing / "raw")) - landed_before
    build_app(landing)
    with duckdb.connect(str(landing / SANDBOX_DUCKDB), read_only=True) as con:
        assert rejected(con, "evt_77777701") == [("future_timestamp:_loaded_at",)]
        staged_new_day = con.execute("select count(*) from stg_app__events "
                                     f"where cast(_loaded_at as date) = date '{new_day}'").fetchall()[0][0]
    assert staged_new_day > 100  # before the fix: 0, the 2099 row had moved the high-water mark
    assert equals_a_full_refresh(landing, tmp_path) == []

    skewed.unlink()  # the file is withdrawn: the next night forgets the row
    simulate(landing, "--append-day")
    build_app(landing)
    with duckdb.connect(str(landing / SANDBOX_DUCKDB), read_only=True) as con:
        assert rejected(con, "evt_77777701") == []
    assert equals_a_full_refresh(landing, tmp_path) == []


def test_text_timestamps_and_absurd_values_are_read_or_quarantined(landing):
    events = landing / "raw" / "app" / "events"
    template = pq.read_table(sorted(events.glob("landed_2*.parquet"))[0]).to_pandas()
    rows = template[template["event_type"] == "video_view"].head(4).copy()
    last_loaded = duckdb.connect(str(landing / SANDBOX_DUCKDB), read_only=True).execute(
        "select max(_loaded_at) from stg_app__events").fetchall()[0][0]
    event_at = (pd.Timestamp(last_loaded) - pd.Timedelta(hours=3)).floor("s")
    rows["event_id"] = ["evt_77777711", "evt_77777712", "evt_77777713", "evt_77777714"]
    rows["_loaded_at"] = pd.Timestamp(last_loaded) + pd.Timedelta(hours=1)
    # a file whose event times are text, as some exporters write them
    rows["event_at"] = [(event_at + pd.Timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S+02:00"),
                        "not a date", None, event_at.strftime("%Y-%m-%dT%H:%M:%SZ")]
    rows["watch_ms"] = [1000, 1000, 1000, 10 ** 18]
    schema = pa.schema([pa.field("event_at", pa.string()) if f.name == "event_at" else f
                        for f in pq.read_schema(sorted(events.glob("landed_2*.parquet"))[0])])
    pq.write_table(pa.Table.from_pandas(rows, schema=schema, preserve_index=False),
                   events / f"landed_{rows['_loaded_at'].iloc[0].date()}_text_times.parquet")
    build_app(landing)
    with duckdb.connect(str(landing / SANDBOX_DUCKDB), read_only=True) as con:
        staged = con.execute("select event_at from stg_app__events where event_id = 'evt_77777711'").fetchall()
        assert staged == [(event_at.to_pydatetime(),)]  # 2 h later at +02:00 is the same instant in UTC
        assert rejected(con, "evt_77777712") == [("unparseable_timestamp:event_at",)]
        assert rejected(con, "evt_77777713") == [("null_timestamp:event_at",)]
        assert rejected(con, "evt_77777714") == [("implausible_value:watch_ms",)]


def test_reconciliation_failure_names_the_table_the_dates_and_the_remedy(landing, tmp_path):
    sandbox_db = landing / SANDBOX_DUCKDB
    backup = tmp_path / "before.duckdb"
    shutil.copy(sandbox_db, backup)
    try:
        with duckdb.connect(str(sandbox_db)) as con:
            event_id, day = con.execute("select event_id, cast(_loaded_at as date) from stg_app__events "
                                        "order by _loaded_at, event_id limit 1").fetchall()[0]
            con.execute("delete from stg_app__events where event_id = ?", [event_id])
        result = reconcile(landing)
    finally:
        shutil.copy(backup, sandbox_db)
    assert result.returncode != 0
    assert "app.events does not reconcile" in result.stdout
    assert f"{day} (raw " in result.stdout
    assert f"make repair LANDED_SINCE={day}" in result.stdout
