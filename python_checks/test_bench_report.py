"""The benchmark report compares times of one machine only.

Sessions have run `make bench` on different processors (an AMD EPYC and an
Intel Xeon, whose dbt builds differ by almost 2x on the same data), and a
size's results keep the steps of earlier runs that were not repeated. A ratio
of two steps is only a measurement when both ran on the same processor, so
bench/run_bench.py records each step's machine and the report refuses the
ratios of two machines instead of printing a number. The same processor model
has also run 1.45x faster in one session than in another, so a ratio of two
builds also needs one project tree and one boot of the machine.
"""
from __future__ import annotations

import json

import pytest

from conftest import load_run_bench

EPYC, XEON = "AMD EPYC", "Intel(R) Xeon(R) Processor"


@pytest.fixture(scope="module")
def bench():
    return load_run_bench()


def machine(cpu: str, threads: str = "2") -> dict:
    return {"cpus": 2, "cpu_model": cpu, "ram_gib": 23.5, "os": "Linux", "python": "3.11.7",
            "versions": {"duckdb": "2.0.1", "dbt-core": "1.11.16", "dbt-duckdb": "1.11.1"},
            "duckdb_settings": {"threads": "2", "memory_limit": "8GB", "dbt_threads": threads}}


def timed(seconds: float, cpu: str | None, tree: str = "abc1234", threads: str = "2",
          boot: str | None = None) -> dict:
    s = {"seconds": seconds, "peak_rss_mib": 1000.0, "exit_code": 0, "tree": tree}
    if cpu:
        s["machine"] = {"cpu_model": cpu, "cpus": 2, "dbt_threads": threads, "boot_id": boot}
    return s


def result(size: str, events: int, size_cpu: str, steps: dict) -> dict:
    return {"size": size, "app_events": events, "raw_rows": 2 * events, "raw_mib": 1.0,
            "finished": "2026-12-03T20:00:00", "machine": machine(size_cpu), "steps": steps}


def xeon_sizes(full_10m: dict) -> list[dict]:
    """10M (hand-written, lineage and incremental day on the Xeon) and 100M, with the given 10M full build."""
    return [
        result("10m", 10_000_000, XEON, {
            "handwritten": timed(13.0, XEON), "dbt_lineage": timed(36.4, XEON),
            "dbt_full": full_10m, "dbt_incremental_day": timed(78.0, XEON)}),
        result("100m", 100_000_000, XEON, {"dbt_full": timed(1430.0, XEON, threads="1")}),
    ]


def report_of(bench, monkeypatch, tmp_path, results) -> str:
    for r in results:
        (tmp_path / f"{r['size']}.json").write_text(json.dumps(r))
    monkeypatch.setattr(bench, "RESULTS", tmp_path)
    return bench.report()


def target_row(report: str, name: str) -> str:
    return next(line for line in report.splitlines() if line.startswith(f"| {name}"))


def test_ratios_of_one_machine_are_reported(bench, monkeypatch, tmp_path):
    report = report_of(bench, monkeypatch, tmp_path, xeon_sizes(timed(130.0, XEON)))
    assert "| 2.80 | **met** |" in target_row(report, "dbt lineage / hand-written")
    assert "10m: 60%" in target_row(report, "incremental day")
    assert "| 11.0 | **met** |" in target_row(report, "full build time(100M)")
    assert "Intel Xeon (1)" in report and "Intel Xeon (2)" in report


def test_ratios_of_two_machines_are_refused(bench, monkeypatch, tmp_path):
    # the 10M full build kept from an earlier run on another processor
    report = report_of(bench, monkeypatch, tmp_path, xeon_sizes(timed(237.0, EPYC)))
    row_10m = target_row(report, "10m")
    assert "not comparable (two machines)" in row_10m
    assert "AMD EPYC (2)" in row_10m and "Intel Xeon (2)" in row_10m
    assert "| 10m: not comparable (two machines) | not measured |" in target_row(report, "incremental day")
    assert "different machines (Intel Xeon and AMD EPYC)" in target_row(report, "full build time(100M)")


def test_steps_without_a_recorded_machine_take_their_sizes(bench, monkeypatch, tmp_path):
    # results written before steps recorded their machine: one run, one machine
    results = [result("10m", 10_000_000, EPYC, {
        "handwritten": timed(22.0, None), "dbt_lineage": timed(73.0, None),
        "dbt_full": timed(237.0, None), "dbt_incremental_day": timed(151.0, None)})]
    report = report_of(bench, monkeypatch, tmp_path, results)
    assert "| 3.32 | **missed** |" in target_row(report, "dbt lineage / hand-written")
    assert "10m: 64%" in target_row(report, "incremental day")
    assert "AMD EPYC (2)" in target_row(report, "10m")


def test_an_incremental_day_of_another_tree_or_boot_is_refused(bench, monkeypatch, tmp_path):
    def sizes(day: dict) -> list[dict]:
        return [result("100m", 100_000_000, XEON, {"dbt_full": timed(1000.0, XEON, boot="b1"),
                                                   "dbt_incremental_day": day})]

    same = report_of(bench, monkeypatch, tmp_path, sizes(timed(90.0, XEON, boot="b1")))
    assert "100m: 9%" in target_row(same, "incremental day") and "**met**" in target_row(same, "incremental day")

    other_tree = report_of(bench, monkeypatch, tmp_path, sizes(timed(90.0, XEON, tree="def5678", boot="b1")))
    assert "not comparable (two trees, def5678 and abc1234)" in target_row(other_tree, "100m")
    assert "| not measured |" in target_row(other_tree, "incremental day")

    # steps written before trees were recorded compare as they did then
    legacy = sizes(timed(90.0, XEON, boot="b1"))
    for name in ("dbt_full", "dbt_incremental_day"):
        del legacy[0]["steps"][name]["tree"]
    assert "100m: 9%" in target_row(report_of(bench, monkeypatch, tmp_path, legacy), "incremental day")

    other_boot = report_of(bench, monkeypatch, tmp_path, sizes(timed(90.0, XEON, boot="b2")))
    assert "two sessions" in target_row(other_boot, "incremental day")
    assert "| not measured |" in target_row(other_boot, "incremental day")


def test_a_scaling_ratio_of_two_boots_is_refused(bench, monkeypatch, tmp_path):
    results = xeon_sizes(timed(130.0, XEON, boot="b1"))
    results[1]["steps"]["dbt_full"] = timed(1430.0, XEON, threads="1", boot="b2")
    report = report_of(bench, monkeypatch, tmp_path, results)
    assert "not comparable: the two builds ran on two sessions" in target_row(report, "full build time(100M)")
