"""PII hashes (docs/pii.md): HMAC-SHA256 with the secret key SV_PII_KEY,
computed by the engine from a key dbt never reads, so the key reaches no view,
compiled SQL or log; the on-run-start hook warns on the development key and
refuses it in production.

One sandbox builds the app staging tables with a random canary key, then
rebuilds stg_app__events with the development key; the refusals run in empty
sandboxes and must leave them empty."""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from conftest import REPO, SANDBOX_DUCKDB, run_sandbox, sandbox_env

DEVELOPMENT_KEY = "dev-only-pii-key-not-secret"
RETIRED_SALT = "dev-only-salt-not-secret"
PII_VARIABLES = ("SV_PII_KEY", "SV_PII_SALT", "SV_ENVIRONMENT")


def hmac_hex(key: str, value: str) -> str:
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


def pii_env(project: Path, sim_dir: Path, **pii: str) -> dict[str, str]:
    """The sandbox's environment with exactly the given PII variables."""
    env = sandbox_env(project, sim_dir / "raw")
    for name in PII_VARIABLES:
        env.pop(name, None)
    env.update(pii)
    return env


def read_hashes(project: Path) -> SimpleNamespace:
    con = duckdb.connect(str(project / SANDBOX_DUCKDB), read_only=True)
    try:
        return SimpleNamespace(
            events=con.sql("select event_id, _loaded_at, device_id_hash, ip_address_hash from stg_app__events").df(),
            rejected_json=[json.loads(text) for (text,) in con.execute(
                "select raw_row_json from stg_app__rejected_rows where source_table = 'events'").fetchall()],
            view_sql=[sql for (sql,) in con.execute("select sql from duckdb_views() where not internal").fetchall()],
        )
    finally:
        con.close()


@pytest.fixture(scope="module")
def raw_events(raw):
    return raw("app", "events")[["event_id", "_loaded_at", "device_id", "ip_address"]]


@pytest.fixture(scope="module")
def builds(new_sandbox, sim_dir):
    """The app staging tables built with a canary key (hashes, views and the
    sandbox's files read right after), then stg_app__events rebuilt with the
    development key."""
    project = new_sandbox("pii")
    # longer than SHA-256's 64-byte block: HMAC hashes such a key first
    canary = f"pii-key-canary-{secrets.token_hex(32)}"
    keyed = run_sandbox(project, ["run", "--select", "+stg_app__rejected_rows"],
                        pii_env(project, sim_dir, SV_PII_KEY=canary))
    assert keyed.returncode == 0, keyed.stdout[-3000:]
    with_canary = read_hashes(project)
    development = run_sandbox(project, ["run", "--select", "stg_app__events", "--full-refresh"],
                              pii_env(project, sim_dir))
    assert development.returncode == 0, development.stdout[-3000:]
    return SimpleNamespace(project=project, canary=canary, keyed=keyed, with_canary=with_canary,
                           development=development, with_development_key=read_hashes(project))


def test_staged_hashes_are_hmac_sha256_of_the_raw_values(builds, raw_events):
    assert len(builds.canary.encode()) > 64
    landed = raw_events.drop_duplicates(["event_id", "_loaded_at"])
    staged = builds.with_canary.events.merge(landed, on=["event_id", "_loaded_at"], how="left")
    assert len(staged) == len(builds.with_canary.events) > 1000
    for column in ["device_id", "ip_address"]:
        assert staged[column].notna().sum() > 1000
        expected = staged[column].map(lambda value: None if value is None else hmac_hex(builds.canary, value))
        assert (staged[f"{column}_hash"].fillna("") == expected.fillna("")).all(), column
    # the rejected rows keep the raw row as JSON, its PII hashed the same way
    rejected = builds.with_canary.rejected_json
    for column in ["device_id", "ip_address"]:
        hashed = {hmac_hex(builds.canary, value) for value in raw_events[column].dropna().unique()}
        in_json = [record[column] for record in rejected if record[column] is not None]
        assert len(in_json) > 10 and set(in_json) <= hashed, column


def test_hmac_macro_matches_python_for_any_key_length(compile_inline):
    """The macro on its own (both pads, keys longer than a block hashed first)."""
    sql = compile_inline("select {{ hmac_sha256_hex('message', 'hmac_key') }} as digest from vectors")
    cases = [("what do ya want for nothing?", "Jefe")]  # RFC 4231, test case 2
    for key in ["k", "é" * 20, "x" * 63, "y" * 64, "z" * 65, "w" * 200]:
        cases += [(message, key) for message in ["", "dev_00000001", "10.0.0.1", "ü" * 70]]
    con = duckdb.connect()
    con.execute("create table vectors (message varchar, hmac_key varchar)")
    con.executemany("insert into vectors values (?, ?)", cases)
    digests = [digest for (digest,) in con.execute(sql).fetchall()]
    assert digests[0] == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert digests == [hmac_hex(key, message) for message, key in cases]


def test_key_is_in_no_view_compiled_sql_or_log(builds):
    views = builds.with_canary.view_sql
    assert any("base_app__events" in sql for sql in views)
    leaked = [sql[:120] for sql in views if builds.canary in sql]
    assert not leaked, leaked
    files = [path for folder in ["target", "logs"] for path in (builds.project / folder).rglob("*") if path.is_file()]
    assert any(path.suffix == ".sql" for path in files) and any(path.name == "dbt.log" for path in files)
    key = builds.canary.encode()
    assert not [str(path) for path in files if key in path.read_bytes()]
    assert builds.canary not in builds.keyed.stdout + builds.keyed.stderr


def test_the_retired_salt_path_is_gone(builds):
    """No view (base_app__events hashed with an md5 of the salt in its text)
    and no project file reads the salt any more."""
    assert not [sql[:120] for sql in builds.with_canary.view_sql if RETIRED_SALT in sql or "md5(" in sql.lower()]
    readers = [str(path) for folder in ["models", "macros"] for path in (REPO / folder).rglob("*.sql")
               if "env_var('SV_PII_SALT'" in path.read_text()]
    assert not readers


def test_development_key_warns_and_is_reversible_by_dictionary(builds, raw_events):
    """The development key is public: a dictionary of device ids hashed with it
    reverses every hash built with it (why production refuses it); the same
    dictionary matches none of the canary key's hashes."""
    assert "SV_PII_KEY is not set" in builds.development.stdout
    assert "SV_PII_KEY is not set" not in builds.keyed.stdout
    dictionary = {hmac_hex(DEVELOPMENT_KEY, device): device for device in raw_events["device_id"].dropna().unique()}
    with_development_key = set(builds.with_development_key.events["device_id_hash"])
    with_canary = set(builds.with_canary.events["device_id_hash"])
    assert len(with_development_key) > 1000 and len(with_canary) == len(with_development_key)
    assert with_development_key <= dictionary.keys()
    assert not with_canary & dictionary.keys()


@pytest.mark.parametrize("pii,named,secret", [
    ({"SV_ENVIRONMENT": "production"}, "SV_PII_KEY", DEVELOPMENT_KEY),
    ({"SV_PII_SALT": "salt-value-never-printed", "SV_PII_KEY": "k" * 40}, "SV_PII_SALT", "salt-value-never-printed"),
    ({"SV_PII_KEY": "short-key-never-printed"}, "SV_PII_KEY", "short-key-never-printed"),
], ids=["production-without-key", "retired-salt-set", "short-key"])
def test_unusable_key_stops_the_run_before_any_node(new_sandbox, sim_dir, pii, named, secret):
    project = new_sandbox("pii_refused")
    result = run_sandbox(project, ["run", "--select", "base_app__users"], pii_env(project, sim_dir, **pii))
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    assert "assert_pii_key_usable" in output and named in output and "SV_PII_KEY" in output, output[-2000:]
    assert secret not in output
    con = duckdb.connect(str(project / SANDBOX_DUCKDB), read_only=True)
    try:
        built = con.execute("select count(*) from duckdb_views() where not internal").fetchall()[0][0]
    finally:
        con.close()
    assert built == 0 and "START sql" not in output
