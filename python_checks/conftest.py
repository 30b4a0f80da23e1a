"""Shared fixtures for python_checks.

`make test` simulates the small dataset and builds it with dbt before pytest
runs, and passes their locations in SIM_DATA_DIR and SV_DUCKDB_PATH. Run on
its own, pytest simulates and builds into a temporary folder instead, so the
checks never depend on a step done by hand.
"""
from __future__ import annotations

import fcntl
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DBT = str(BIN / "dbt")


# dbt drops its saved parse (target/partial_parse.msgpack) and re-reads the
# whole project (about 25 CPU-s) when any value of the profile's connection
# differs, and the DuckDB path is one of them. A sandbox is therefore a dbt
# project folder of its own: symlinks to this checkout's dbt files, the DuckDB
# file at the same relative path in each (dbt runs from the project folder),
# and a copy of one parse's state, so dbt re-parses only what differs.
SANDBOX_DUCKDB = Path("data") / "warehouse.duckdb"
DBT_PROJECT_FILES = ["dbt_project.yml", "profiles.yml", "dbt_plugins", "models", "macros", "seeds", "tests", "analyses"]


def load_run_bench():
    """bench/run_bench.py as a module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_sandbox(root: Path, parse_state: Path | None = None, copied: tuple[str, ...] = ()) -> Path:
    """A project folder at root running this checkout's dbt project; the
    entries named in `copied` are copies (to edit), the rest symlinks.
    parse_state: a partial_parse.msgpack to start from."""
    for name in DBT_PROJECT_FILES:
        if name in copied:
            copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy
            copy(REPO / name, root / name)
        else:
            (root / name).symlink_to(REPO / name)
    (root / SANDBOX_DUCKDB).parent.mkdir(parents=True, exist_ok=True)
    if parse_state is not None:
        (root / "target").mkdir(exist_ok=True)
        shutil.copy(parse_state, root / "target" / "partial_parse.msgpack")
    return root


def sandbox_env(root: Path, raw_path: Path, **extra: str) -> dict[str, str]:
    """dbt's environment in sandbox root: raw zone raw_path, DuckDB file root/data/warehouse.duckdb."""
    env = dict(os.environ)
    for name in ["DBT_TARGET_PATH", "DBT_LOG_PATH"]:  # each sandbox keeps its own target/ and logs/
        env.pop(name, None)
    env.update(
        SV_TARGET="dev",
        SV_RAW_PATH=str(raw_path),
        SV_DUCKDB_PATH=str(SANDBOX_DUCKDB),
        DBT_PROFILES_DIR=str(root),
        DBT_PROJECT_DIR=str(root),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        **extra,
    )
    return env


def run_sandbox(root: Path, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([DBT, *args], cwd=root, env=env, capture_output=True, text=True)


# The files whose fixtures run long dbt builds go first. pytest-xdist hands
# out whole files (make test: --dist loadfile --no-loadscope-reorder keeps this
# order), and a long file picked up last keeps one worker busy while the other
# has nothing left to do.
LONG_FILES_FIRST = ["test_experiment_decisions.py", "test_readme_commands.py", "test_incremental.py",
                    "test_core_anomalies.py", "test_experiment_imports.py", "test_staging.py", "test_pii.py"]


# The slow tier (`make test-slow`, which CI runs as well): the checks
# that build warehouses of their own beyond make test's small build: the
# whole files below (the daily incremental cycle, the README's commands, bad
# landings), every check on the default preset (fixture default_dataset) and
# the replays over re-simulated markets, marked `slow` where they are defined.
SLOW_FILES = {"test_incremental.py", "test_readme_commands.py", "test_bad_landings.py"}


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: builds warehouses of its own (make test-slow, not make test)")


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONG_FILES_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order
    for item in items:
        if item.path.name in SLOW_FILES or "default_dataset" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


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
def warehouse_path(sim_dir, request) -> Path:
    """DuckDB file holding a dbt build of the small dataset."""
    given = os.environ.get("SV_DUCKDB_PATH")
    if given and Path(given).is_file() and os.environ.get("SIM_DATA_DIR"):
        return Path(given)
    root = request.getfixturevalue("new_sandbox")("warehouse")
    result = run_sandbox(root, ["build", "--quiet"], sandbox_env(root, sim_dir / "raw"))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return root / SANDBOX_DUCKDB


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
    """A sandbox in which `dbt parse` ran: its target/ holds this checkout's
    manifest.json, semantic_manifest.json and partial_parse.msgpack, the
    parse state every other sandbox (new_sandbox) starts from. The semantic
    manifest names its tables in the catalog `warehouse` (the file name)."""
    root = make_sandbox(tmp_path_factory.mktemp("parsed"))
    result = run_sandbox(root, ["parse"], sandbox_env(root, sim_dir / "raw"))
    assert result.returncode == 0, result.stdout[-3000:]
    return root


@pytest.fixture(scope="session")
def new_sandbox(parsed_project, tmp_path_factory):
    """new_sandbox(name, copied=()) -> a fresh sandbox (make_sandbox) that
    starts from parsed_project's parse state."""
    def make(name: str, copied: tuple[str, ...] = ()) -> Path:
        return make_sandbox(tmp_path_factory.mktemp(name), parsed_project / "target" / "partial_parse.msgpack",
                            copied)
    return make


# What the checks on the default preset read: the core indicators' anomaly
# scoring (test_core_anomalies.py), the experiment decisions
# (test_experiment_decisions.py), the morning report built from both
# (test_morning_report.py: its experiments and data-health sections read the
# staging tables these build on), the rollout event study
# (test_rollout_event_study.py), the enrollment effect
# (test_enrollment_effect.py) and the marketplace experiments
# (test_marketplace_experiments.py), models and seeds only.
DEFAULT_DATASET_SELECT = ["+fct_indicator_change_drivers", "+fct_indicator_anomalies", "+fct_experiment_decisions",
                          "+fct_rewards_event_study", "+fct_rewards_enrollment_effect",
                          "+fct_marketplace_experiment_estimates"]


@pytest.fixture(scope="session")
def default_dataset(parsed_project, tmp_path_factory, worker_id) -> Path:
    """The default preset (56 days, 20k users, seed 42) simulated into a
    sandbox (raw/ and truth/ in it) and built up to DEFAULT_DATASET_SELECT,
    once per pytest run: the xdist workers share the folder, and a file lock
    lets the first one build it while another waits (about 2 minutes)."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent  # the run's folder, above each worker's own
    root = shared / "default_dataset"
    with open(shared / "default_dataset.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "built.ok").exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            make_sandbox(root, parsed_project / "target" / "partial_parse.msgpack")
            started = time.monotonic()
            subprocess.run([sys.executable, "-m", "simulator", "--out", str(root), "--preset", "default",
                            "--seed", "42"], cwd=REPO, check=True, capture_output=True, text=True)
            simulated = time.monotonic()
            result = run_sandbox(root, ["build", "--select", *DEFAULT_DATASET_SELECT,
                                        "--resource-type", "model", "--resource-type", "seed"],
                                 sandbox_env(root, root / "raw", SV_PUBLISH_PATH=str(root)))
            assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
            (root / "built.ok").write_text(
                f"simulate {simulated - started:.1f} s, dbt build {time.monotonic() - simulated:.1f} s\n")
    return root


@pytest.fixture(scope="session")
def compile_inline(parsed_project, sim_dir):
    """compile_inline(jinja_sql) -> the SQL that `dbt compile --inline` renders
    with the project's macros (in parsed_project, which has nothing to re-parse)."""
    env = sandbox_env(parsed_project, sim_dir / "raw")

    def compile_sql(jinja_sql: str) -> str:
        result = run_sandbox(parsed_project, ["compile", "--quiet", "--output", "json", "--inline", jinja_sql], env)
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
    project = make_sandbox(tmp_path_factory.mktemp("metricflow"))
    (project / "target").mkdir()
    shutil.copy(parsed_project / "target" / "semantic_manifest.json", project / "target")
    shutil.copy(warehouse_path, project / SANDBOX_DUCKDB)  # the catalog the semantic manifest names
    env = sandbox_env(project, REPO / "data" / "small" / "raw")  # raw path unused by mf
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
