"""Shared fixtures for python_checks.

`make test` simulates the small dataset and builds it with dbt before pytest
runs, and passes their locations in SIM_DATA_DIR and SV_DUCKDB_PATH. Run on
its own, pytest simulates and builds into a temporary folder instead, so the
checks never depend on a step done by hand.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DBT = str(BIN / "dbt")


def dbt_env(raw_path: Path, duckdb_path: Path, project_dir: Path = REPO) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SV_TARGET="dev",
        SV_RAW_PATH=str(raw_path),
        SV_DUCKDB_PATH=str(duckdb_path),
        DBT_PROFILES_DIR=str(project_dir),
        DBT_PROJECT_DIR=str(project_dir),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    return env


def run_dbt(args: list[str], env: dict[str, str], cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([DBT, *args], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.fixture(scope="session")
def sim_dir(tmp_path_factory) -> Path:
    """Folder with raw/ and truth/ of the small simulated dataset."""
    given = os.environ.get("SIM_DATA_DIR")
    if given and (Path(given) / "raw").is_dir():
        return Path(given)
    out = tmp_path_factory.mktemp("sim")
    subprocess.run(
        [sys.executable, "-m", "simulator", "--out", str(out), "--preset", "small", "--seed", "42"],
        cwd=REPO, check=True, capture_output=True, text=True,
    )
    return out


@pytest.fixture(scope="session")
def warehouse_path(sim_dir, tmp_path_factory) -> Path:
    """DuckDB file holding a dbt build of the small dataset."""
    given = os.environ.get("SV_DUCKDB_PATH")
    if given and Path(given).is_file() and os.environ.get("SIM_DATA_DIR"):
        return Path(given)
    path = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    result = run_dbt(["build", "--quiet"], dbt_env(sim_dir / "raw", path))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return path


@pytest.fixture(scope="session")
def warehouse(warehouse_path):
    con = duckdb.connect(str(warehouse_path), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def raw(sim_dir):
    """A DuckDB connection with read_raw(system, table) -> DataFrame of the raw Parquet."""
    con = duckdb.connect()

    def read_raw(system: str, table: str):
        pattern = str(sim_dir / "raw" / system / table / "*.parquet")
        return con.sql(f"select * from read_parquet('{pattern}', union_by_name = true)").df()

    yield read_raw
    con.close()


@pytest.fixture(scope="session")
def parsed_project(sim_dir, tmp_path_factory) -> Path:
    """A target folder holding this checkout's manifest.json and
    semantic_manifest.json (one `dbt parse`, shared: each parse into a new
    target folder re-reads the whole project). The semantic manifest names
    its tables in the catalog of the profile's DuckDB file, mf.duckdb: the
    database `metricflow` queries."""
    target = tmp_path_factory.mktemp("parsed")
    result = run_dbt(["parse", "--target-path", str(target), "--log-path", str(target / "logs")],
                     dbt_env(sim_dir / "raw", target / "mf.duckdb"))
    assert result.returncode == 0, result.stdout[-3000:]
    return target


@pytest.fixture(scope="session")
def compile_inline(parsed_project, sim_dir):
    """compile_inline(jinja_sql) -> the SQL that `dbt compile --inline` renders
    with the project's macros. Same target folder and environment as
    parsed_project, so dbt parses only what changed since (nothing)."""
    env = dbt_env(sim_dir / "raw", parsed_project / "mf.duckdb")

    def compile_sql(jinja_sql: str) -> str:
        result = run_dbt(["compile", "--quiet", "--output", "json", "--target-path", str(parsed_project),
                          "--log-path", str(parsed_project / "logs"), "--inline", jinja_sql], env)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
        return json.loads(result.stdout)["compiled"]

    return compile_sql


@pytest.fixture(scope="session")
def metricflow(parsed_project, warehouse_path, tmp_path_factory):
    """metricflow(metrics, group_by) -> DataFrame of `mf query` over a copy of
    the session's warehouse, after `mf validate-configs` passed. mf reads
    <cwd>/dbt_project.yml, profiles.yml and target/semantic_manifest.json,
    and opens DuckDB read-write: hence a project folder of its own and a copy
    of the warehouse (the session's read-only connection stays valid)."""
    project = tmp_path_factory.mktemp("metricflow")
    for name in ["dbt_project.yml", "profiles.yml"]:
        (project / name).write_bytes((REPO / name).read_bytes())
    (project / "target").mkdir()
    (project / "target" / "semantic_manifest.json").write_bytes(
        (parsed_project / "semantic_manifest.json").read_bytes())
    mf_db = project / "mf.duckdb"
    mf_db.write_bytes(Path(warehouse_path).read_bytes())
    env = dbt_env(REPO / "data" / "small" / "raw", mf_db, project_dir=project)  # raw path unused by mf
    mf = str(BIN / "mf")
    validate = subprocess.run([mf, "validate-configs"], cwd=project, env=env, capture_output=True, text=True)
    assert validate.returncode == 0 and "ERRORS: 0" in validate.stdout, validate.stdout[-2000:]

    def query(metrics: list[str], group_by: str = "metric_time__day") -> pd.DataFrame:
        out = project / f"query_{len(list(project.glob('query_*.csv')))}.csv"
        result = subprocess.run([mf, "query", "--metrics", ",".join(metrics), "--group-by", group_by,
                                 "--csv", str(out)], cwd=project, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        return pd.read_csv(out)

    return query


def scalar(con, sql: str):
    """The single value a query returns (duckdb 2.0 relations have no fetchone())."""
    rows = con.execute(sql).fetchall()
    assert len(rows) == 1 and len(rows[0]) == 1, (sql, rows)
    return rows[0][0]


@pytest.fixture(scope="session")
def clean_raw(raw, warehouse):
    """clean_raw(system, table, pk) -> the raw rows staging keeps, rebuilt in pandas.

    Drops null/blank keys and the keys staging quarantined (read from
    stg_<system>__rejected_rows, which test_staging.py checks exactly against
    the simulator's truth/faults.csv), then keeps the first-landed copy of
    each key. Domain checks recompute their metrics from these rows, so they
    share the cleaning rule but none of the metric logic under test.
    """
    cache: dict[tuple[str, str], "pd.DataFrame"] = {}

    def load(system: str, table: str, pk: str):
        if (system, table) not in cache:
            df = raw(system, table)
            bad = {
                r[0] for r in warehouse.execute(
                    f"select row_key from stg_{system}__rejected_rows where source_table = '{table}' "
                    "and rejection_kind = 'quarantined' and row_key is not null"
                ).fetchall()
            }
            df = df[df[pk].notna() & (df[pk].astype(str).str.strip() != "") & ~df[pk].isin(bad)]
            df = df.sort_values(["_loaded_at", pk], kind="mergesort").drop_duplicates(pk, keep="first")
            cache[(system, table)] = df.reset_index(drop=True)
        return cache[(system, table)].copy()

    return load
