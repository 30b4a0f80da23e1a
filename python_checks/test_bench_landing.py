"""The benchmark's incremental day lands the same files as the simulator.

`make bench` builds its incremental day from hard links to the full
simulation (bench/run_bench.py: land_through, land_next_day) instead of
simulating the world twice more. That is only the nightly cycle if the linked
landing zone is the one `--landed-through DAY` and then `--append-day` write:
the same file names, byte for byte the same data files, and placeholders
(`landed_empty.parquet`) with the table's schema where nothing has landed.
"""
from __future__ import annotations

import datetime as dt
import filecmp
import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from conftest import REPO, load_run_bench

def simulate(out, *flags):
    subprocess.run([sys.executable, "-m", "simulator", "--out", str(out), *flags],
                   cwd=REPO, check=True, capture_output=True, text=True)


def files(raw):
    return {str(p.relative_to(raw)) for p in raw.rglob("*.parquet")}


def same_file(a, b) -> bool:
    if a.name == "landed_empty.parquet":
        return pq.read_metadata(a).num_rows == 0 and pq.read_schema(a).equals(pq.read_schema(b))
    return filecmp.cmp(a, b, shallow=False)


@pytest.fixture(scope="module")
def zones(sim_dir, tmp_path_factory):
    bench = load_run_bench()
    # the cut the benchmark itself uses: the window's last day - 1
    cut = bench.incremental_day_cut(json.loads((sim_dir / "truth" / "run_summary.json").read_text()))
    work = tmp_path_factory.mktemp("bench_landing")
    full = sim_dir / "raw"
    simulated = work / "simulated"
    simulate(simulated, "--preset", "small", "--seed", "42", "--landed-through", cut.isoformat())
    linked = work / "linked" / "raw"
    count = bench.land_through(full, linked, cut)
    before = (files(simulated / "raw"), files(linked), count)
    simulate(simulated, "--append-day")
    appended = bench.land_next_day(full, linked, cut)
    return dict(simulated=simulated / "raw", linked=linked, before=before, appended=appended, cut=cut)


def test_linked_zone_before_the_day_is_the_simulators(zones):
    simulated_files, linked_files, count = zones["before"]
    assert linked_files == simulated_files
    assert count == len([f for f in linked_files if not f.endswith("landed_empty.parquet")]) > 0


def test_appended_day_is_the_simulators(zones):
    assert zones["appended"]["day"] == (zones["cut"] + dt.timedelta(days=1)).isoformat()
    assert zones["appended"]["files"] > 0
    simulated, linked = zones["simulated"], zones["linked"]
    assert files(linked) == files(simulated)
    different = [f for f in files(linked) if not same_file(linked / f, simulated / f)]
    assert different == []
