"""The published Parquet copies of the public marts: a publish folder that
does not exist yet is created."""
from __future__ import annotations

import shutil

import pandas as pd

from conftest import SANDBOX_DUCKDB, run_sandbox, sandbox_env, scalar


def test_publishing_creates_a_missing_publish_folder(new_sandbox, warehouse_path, warehouse, sim_dir, tmp_path):
    root = new_sandbox("publish")
    shutil.copy(warehouse_path, root / SANDBOX_DUCKDB)
    folder = tmp_path / "not there yet" / "it's" / "nested"
    result = run_sandbox(root, ["run-operation", "publish_public_marts", "--args", "{models: [fct_experiment_health]}"],
                         sandbox_env(root, sim_dir / "raw", SV_PUBLISH_PATH=str(folder)))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    published = pd.read_parquet(folder / "fct_experiment_health.parquet")
    assert len(published) == scalar(warehouse, "select count(*) from fct_experiment_health") > 0
