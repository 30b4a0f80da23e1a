"""Run bench/handwritten_core_indicators.sql on a raw landing zone.

    python bench/handwritten.py --raw DIR/raw [--out indicators.parquet] [--temp-dir DIR]

The script is the benchmark's lower bound: the required core indicators
computed straight from raw Parquet in one DuckDB session, with the same
engine settings as the dbt profile (2 threads, 8 GB memory limit), so the
comparison measures the project's modelling overhead, not a tuning gap.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import duckdb

SQL_PATH = Path(__file__).with_name("handwritten_core_indicators.sql")


def handwritten_sql(raw: str | Path) -> str:
    return SQL_PATH.read_text().replace("{raw}", str(Path(raw).resolve()))


def connect(temp_dir: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    # the dbt profile's settings (profiles.yml), overridable the same way
    config = {
        "threads": int(os.environ.get("SV_DUCKDB_THREADS", "2")),
        "memory_limit": os.environ.get("SV_DUCKDB_MEMORY", "8GB"),
        "preserve_insertion_order": False,
    }
    if temp_dir:
        # an in-memory database only spills to disk when it has a temp folder
        config["temp_directory"] = str(temp_dir)
    return duckdb.connect(config=config)


def run(raw: str | Path, con: duckdb.DuckDBPyConnection | None = None):
    """The indicators as a DataFrame (metric_date, metric_name, dimension_name,
    dimension_value, numerator, denominator, value)."""
    con = con or connect()
    # DuckDB runs every statement of the script and returns the last result
    return con.execute(handwritten_sql(raw)).df()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--raw", required=True, help="raw landing zone (<raw>/<system>/<table>/*.parquet)")
    p.add_argument("--out", help="write the indicators to this Parquet file")
    p.add_argument("--temp-dir", help="DuckDB spill folder")
    a = p.parse_args()
    start = time.perf_counter()
    con = connect(a.temp_dir)
    df = run(a.raw, con)
    if a.out:
        df.to_parquet(a.out, index=False)
    print(f"{len(df)} indicator rows in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
