"""A DuckDB file named after a catalog (main.duckdb) is refused before any node
runs, with a message naming the file and the fix (macro
assert_duckdb_file_name_usable, the project's on-run-start hook). Without the
guard dbt-duckdb builds into it once and then no longer finds its own tables."""
from __future__ import annotations

from conftest import run_sandbox, sandbox_env


def test_a_duckdb_file_named_main_is_refused(new_sandbox, sim_dir):
    project = new_sandbox("main_file")
    env = sandbox_env(project, sim_dir / "raw")
    env["SV_DUCKDB_PATH"] = "data/main.duckdb"
    result = run_sandbox(project, ["run", "--select", "base_app__users"], env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    assert "is named 'main.duckdb'" in output and "warehouse.duckdb" in output, output[-2000:]
    assert "OK created" not in output, output[-2000:]
