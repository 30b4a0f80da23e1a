"""dbt-duckdb plugin: hands the PII hashing key to DuckDB without any SQL text.

The key of the PII hashes (docs/pii.md) must never be written into a view,
compiled SQL or a log. dbt's env_var() is no way to read it: dbt keeps the
value of every env var a model or macro reads in target/partial_parse.msgpack.
So this plugin reads env SV_PII_KEY itself and sets it on every DuckDB cursor
dbt opens as the session variable sv_pii_key, through a bound parameter
(session variables do not carry over from a connection to its cursors).
SQL reads it with getvariable('sv_pii_key') (macros/staging/hash_pii.sql).

It judges nothing: the on-run-start hook assert_pii_key_usable() does, with
messages, on both engines. It only tells the hook, in sv_pii_old_salt_is_set,
whether the retired SV_PII_SALT is still set; that variable is null when the
plugin is not loaded, which the hook reports too. Neither value is printed.
"""
from __future__ import annotations

import os

from dbt.adapters.duckdb.plugins import BasePlugin

KEY_VARIABLE = "SV_PII_KEY"
RETIRED_SALT_VARIABLE = "SV_PII_SALT"


class Plugin(BasePlugin):
    def configure_cursor(self, cursor) -> None:
        # read at each cursor, not once: a test may change the environment
        # between two dbt invocations of one process (dbtRunner)
        cursor.execute("set variable sv_pii_key = ?", [os.environ.get(KEY_VARIABLE)])
        cursor.execute("set variable sv_pii_old_salt_is_set = ?", [RETIRED_SALT_VARIABLE in os.environ])
