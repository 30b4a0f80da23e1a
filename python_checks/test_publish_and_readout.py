"""The published Parquet copies of the public marts: a publish folder that
does not exist yet is created, and the experiment readout reads them while
another process (a build) holds the DuckDB file."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd

from conftest import REPO, SANDBOX_DUCKDB, run_sandbox, sandbox_env, scalar

RENDERER = REPO / "analyses" / "render_experiment_readout.py"


def load_renderer():
    spec = importlib.util.spec_from_file_location("render_experiment_readout", RENDERER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def published_folder(warehouse_path: Path) -> Path:
    return Path(os.environ.get("SV_PUBLISH_PATH") or Path(warehouse_path).parent)


def test_publishing_creates_a_missing_publish_folder(new_sandbox, warehouse_path, warehouse, sim_dir, tmp_path):
    root = new_sandbox("publish")
    shutil.copy(warehouse_path, root / SANDBOX_DUCKDB)
    folder = tmp_path / "not there yet" / "it's" / "nested"
    result = run_sandbox(root, ["run-operation", "publish_public_marts", "--args", "{models: [fct_experiment_health]}"],
                         sandbox_env(root, sim_dir / "raw", SV_PUBLISH_PATH=str(folder)))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    published = pd.read_parquet(folder / "fct_experiment_health.parquet")
    assert len(published) == scalar(warehouse, "select count(*) from fct_experiment_health") > 0


def render_while_locked(warehouse_path: Path, folder: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """Render exp_004 from a copy of the warehouse in folder while this process
    holds it open for writing, as a running build does; SV_PUBLISH_PATH unset,
    so the renderer looks next to the DuckDB file."""
    locked = folder / "warehouse.duckdb"
    shutil.copy(warehouse_path, locked)
    env = {k: v for k, v in os.environ.items() if k != "SV_PUBLISH_PATH"}
    writer = duckdb.connect(str(locked))
    try:
        return subprocess.run([sys.executable, str(RENDERER), "--experiment", "exp_004",
                               "--out", str(tmp_path / "readout.html"), "--duckdb", str(locked)],
                              cwd=tmp_path, env=env, capture_output=True, text=True)
    finally:
        writer.close()


def test_readout_reads_the_published_parquet_while_the_warehouse_is_locked(warehouse_path, warehouse, tmp_path):
    folder = tmp_path / "build"
    folder.mkdir()
    renderer = load_renderer()
    for name in renderer.READOUT_MARTS + renderer.OPTIONAL_READOUT_MARTS:
        # the decision mart only where the build has it; if it is built but not
        # published, the page read from Parquet lacks the decision and differs
        published = published_folder(warehouse_path) / f"{name}.parquet"
        if name in renderer.READOUT_MARTS or published.is_file():
            shutil.copy(published, folder)
    result = render_while_locked(warehouse_path, folder, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "is locked by another process" in result.stderr and f"published in {folder}/" in result.stderr
    assert (tmp_path / "readout.html").read_text(encoding="utf-8") == renderer.render(warehouse, "exp_004")


def test_readout_says_which_published_file_is_missing(warehouse_path, tmp_path):
    folder = tmp_path / "build"
    folder.mkdir()
    result = render_while_locked(warehouse_path, folder, tmp_path)
    assert result.returncode != 0
    assert f"{folder / 'fct_experiment_health.parquet'} not found" in result.stderr, result.stderr[-2000:]
