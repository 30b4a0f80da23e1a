"""Staging keeps every raw row accounted for, and quarantines exactly the
rows the simulator broke on purpose.

Ground truth is the simulator's truth/faults.csv (one fault per faulty row),
and the raw Parquet itself read with DuckDB outside dbt.
"""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import yaml

from conftest import REPO, run_sandbox, sandbox_env, scalar

SYSTEMS = ["app", "ads", "creators", "trust_safety", "labeling", "experimentation"]
QUARANTINE_FAULTS = [
    "null_id", "malformed_id", "unknown_enum", "negative_amount",
    "timestamp_before_2015", "future_timestamp", "orphan_fk",
]


def contract_tables() -> list[tuple[str, str]]:
    tables = []
    for system in SYSTEMS:
        doc = yaml.safe_load((REPO / f"models/staging/{system}/_{system}__sources.yml").read_text())
        tables += [(system, t["name"]) for t in doc["sources"][0]["tables"]]
    return tables


def rejected(warehouse) -> pd.DataFrame:
    parts = []
    for system in SYSTEMS:
        df = warehouse.sql(
            f"select '{system}' as system, source_table as \"table\", reason_category, count(*) as n "
            f"from stg_{system}__rejected_rows group by all"
        ).df()
        parts.append(df)
    return pd.concat(parts, ignore_index=True)


def test_every_contract_table_is_staged():
    assert len(contract_tables()) == 31
    for system, table in contract_tables():
        assert (REPO / f"models/staging/{system}/stg_{system}__{table}.sql").is_file(), (system, table)


def test_raw_rows_equal_staged_plus_rejected(warehouse, raw):
    """Independent of dbt's own reconciliation test: counts from the Parquet files."""
    rej = rejected(warehouse).groupby(["system", "table"])["n"].sum()
    for system, table in contract_tables():
        raw_rows = len(raw(system, table))
        staged = scalar(warehouse, f"select count(*) from stg_{system}__{table}")
        assert raw_rows == staged + int(rej.get((system, table), 0)), (system, table)


def test_quarantine_matches_injected_faults(warehouse, sim_dir):
    faults = pd.read_csv(sim_dir / "truth" / "faults.csv")
    injected = (
        faults[faults.fault_type != "late_arrival"]
        .groupby(["system", "table", "fault_type"])["rows_injected"].sum()
    )
    injected = injected[injected > 0]
    found = rejected(warehouse).set_index(["system", "table", "reason_category"])["n"]
    assert len(injected) > 0
    # every injected fault found, in the right table, with the right category ...
    for key, rows in injected.items():
        assert int(found.get(key, 0)) == rows, f"{key}: injected {rows}, staging found {found.get(key, 0)}"
    # ... and nothing quarantined that was not injected
    for key, rows in found.items():
        assert int(injected.get(key, 0)) == rows, f"{key}: staging rejected {rows} rows nobody injected"
    assert set(injected.index.get_level_values("fault_type")) >= set(QUARANTINE_FAULTS) | {"duplicate"}


def test_duplicates_keep_the_first_landed_copy(warehouse, raw):
    events = raw("app", "events")
    counts = events.groupby("event_id")["_loaded_at"].agg(["count", "min"])
    duplicated = counts[counts["count"] > 1]
    assert len(duplicated) > 0
    staged = warehouse.sql(
        "select event_id, _loaded_at from stg_app__events where event_id in "
        f"({', '.join(repr(i) for i in duplicated.index[:200])})"
    ).df().set_index("event_id")
    for event_id, row in staged.iterrows():
        assert row["_loaded_at"] == duplicated.loc[event_id, "min"]


def test_no_raw_pii_after_staging(warehouse, raw):
    events = raw("app", "events")
    raw_ips = set(events["ip_address"].dropna().unique())
    raw_devices = set(events["device_id"].dropna().unique())
    staged = warehouse.sql("select device_id_hash, ip_address_hash from stg_app__events").df()
    assert raw_ips and raw_devices
    assert not raw_ips & set(staged["ip_address_hash"])
    assert not raw_devices & set(staged["device_id_hash"])
    assert staged["ip_address_hash"].str.fullmatch(r"[0-9a-f]{64}").all()
    # the rejected rows' JSON is hashed too
    ipv4 = re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b")
    rows = warehouse.sql("select raw_row_json from stg_app__rejected_rows where source_table = 'events'").df()
    for text in rows["raw_row_json"]:
        record = json.loads(text)
        assert record.get("ip_address") not in raw_ips
        assert not ipv4.search(text)


def test_hash_is_keyed_and_stable(warehouse, raw):
    """Same raw value, same hash (joins work): the HMAC-SHA256 of the value
    with the build's key (SV_PII_KEY, else the development key; test_pii.py
    checks every row and the key's handling)."""
    import hashlib
    import hmac
    import os

    key = (os.environ.get("SV_PII_KEY") or "dev-only-pii-key-not-secret").encode()
    events = raw("app", "events").dropna(subset=["ip_address", "event_id"]).head(50)
    staged = warehouse.sql(
        "select event_id, ip_address_hash from stg_app__events where event_id in "
        f"({', '.join(repr(i) for i in events['event_id'])})"
    ).df().set_index("event_id")
    assert len(staged) > 0
    for _, row in events.iterrows():
        if row["event_id"] in staged.index:
            digest = staged.loc[row["event_id"], "ip_address_hash"]
            assert digest != hashlib.sha256(row["ip_address"].encode()).hexdigest()
            assert digest == hmac.new(key, row["ip_address"].encode(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize("system,table,column", [("app", "users", "country")])
def test_reconciliation_test_fails_when_staging_loses_rows(sim_dir, new_sandbox, system, table, column):
    """Mutation test: a staging model that silently drops rows must fail its
    rows_reconcile_with_raw test, while the untouched tables still pass."""
    project = new_sandbox("tampered", copied=("models",))
    model = project / f"models/staging/{system}/stg_{system}__{table}.sql"
    original = model.read_text()
    clean_filter = "where landing_order = 1"
    assert clean_filter in original
    model.write_text(original.replace(clean_filter, f"{clean_filter} and {column} <> 'US'"))

    result = run_sandbox(project, ["build", "--select", f"+stg_{system}__rejected_rows", "--indirect-selection",
                                   "cautious"], sandbox_env(project, sim_dir / "raw"))
    assert result.returncode != 0

    results = json.loads((project / "target" / "run_results.json").read_text())["results"]
    status = {r["unique_id"].split(".")[2]: r["status"] for r in results}
    message = {r["unique_id"].split(".")[2]: r["message"] or "" for r in results}
    tampered = [k for k in status if k.startswith(f"rows_reconcile_with_raw_stg_{system}__{table}_")]
    # the test stops with an error that says what and where, not just a row count
    assert len(tampered) == 1 and status[tampered[0]] == "error"
    assert f"{system}.{table} does not reconcile" in message[tampered[0]]
    assert "Landing dates that differ: 20" in message[tampered[0]] and "make repair LANDED_SINCE=20" in message[tampered[0]]
    others = [k for k in status if k.startswith("rows_reconcile_with_raw_") and k not in tampered]
    assert others and all(status[k] == "pass" for k in others)
