"""Render one experiment's readout as a self-contained HTML page with forest plots.

    .venv/bin/python analyses/render_experiment_readout.py --experiment exp_001 --out reports/exp_001.html

Reads fct_experiment_health and fct_experiment_results from the DuckDB warehouse
(--duckdb, default env SV_DUCKDB_PATH or data/warehouse.duckdb, where `make run` builds).
While another process (a build) holds the DuckDB file, it reads the same marts from the
Parquet files the build published (env SV_PUBLISH_PATH, default the folder of the DuckDB
file) and says so on stderr. The forest plots are inline SVG: one row per metric x treatment
variant, the relative effect with its 95% interval.
"""
from __future__ import annotations

import argparse
import html
import os
import sys
from pathlib import Path

import duckdb


def _fmt(x, pct=False, digits=4):
    if x is None or x != x:
        return "–"
    return f"{100 * x:+.2f}%" if pct else f"{x:.{digits}g}"


def forest_svg(rows: list[dict], width: int = 760) -> str:
    """rows: label, effect, lo, hi, significant. Relative effects on a shared axis."""
    rows = [r for r in rows if r["lo"] == r["lo"] and r["hi"] == r["hi"] and r["lo"] is not None]
    if not rows:
        return "<p>No rows with an interval.</p>"
    left, right, row_h, top = 300, 40, 26, 24
    lo = min(min(r["lo"] for r in rows), 0.0)
    hi = max(max(r["hi"] for r in rows), 0.0)
    pad = 0.05 * (hi - lo or 1.0)
    lo, hi = lo - pad, hi + pad
    plot_w = width - left - right
    sx = lambda v: left + (v - lo) / (hi - lo) * plot_w
    h = top + row_h * len(rows) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" font-family="sans-serif" font-size="12">']
    out.append(f'<line x1="{sx(0):.1f}" y1="{top - 10}" x2="{sx(0):.1f}" y2="{h - 24}" stroke="#888" stroke-dasharray="4 3"/>')
    for i, r in enumerate(rows):
        y = top + i * row_h + row_h / 2
        color = "#1a7f37" if r["significant"] and r["effect"] > 0 else "#cf222e" if r["significant"] else "#333"
        out.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{html.escape(r["label"])}</text>')
        out.append(f'<line x1="{sx(r["lo"]):.1f}" y1="{y:.1f}" x2="{sx(r["hi"]):.1f}" y2="{y:.1f}" stroke="{color}" stroke-width="2"/>')
        out.append(f'<rect x="{sx(r["effect"]) - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{color}"/>')
    for k in range(5):
        v = lo + k * (hi - lo) / 4
        out.append(f'<text x="{sx(v):.1f}" y="{h - 8}" text-anchor="middle" fill="#555">{100 * v:+.1f}%</text>')
    out.append("</svg>")
    return "\n".join(out)


def render(con, experiment_id: str) -> str:
    health = con.execute("select * from fct_experiment_health where experiment_id = ? order by variant",
                         [experiment_id]).df()
    res = con.execute("select * from fct_experiment_results where experiment_id = ? "
                      "order by segment_name, segment_value, metric_name, treatment_variant, variance_reduction",
                      [experiment_id]).df()
    if health.empty and res.empty:
        raise SystemExit(f"experiment {experiment_id} not found in fct_experiment_health / fct_experiment_results")
    parts = [f"<html><head><meta charset='utf-8'><title>Readout {html.escape(experiment_id)}</title>",
             "<style>body{font-family:sans-serif;max-width:900px;margin:2em auto}table{border-collapse:collapse}"
             "td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f6f8fa}"
             ".warn{color:#cf222e;font-weight:bold}</style></head><body>",
             f"<h1>Experiment readout: {html.escape(experiment_id)}</h1>"]
    if not health.empty:
        srm = bool(health["has_srm"].any())
        parts.append("<h2>Health</h2>")
        if srm:
            parts.append(f"<p class='warn'>Sample ratio mismatch (p = {health['srm_p_value'].iloc[0]:.2e}): "
                         "do not trust the effects below until the cause is found.</p>")
        parts.append(health[["variant", "expected_share", "assigned_units", "exposed_units",
                             "units_in_multiple_variants", "srm_p_value", "has_srm"]].to_html(index=False))
    for reduction in ("none", "cuped"):
        main = res[(res["segment_name"] == "all") & (res["variance_reduction"] == reduction)]
        if main.empty:
            continue
        parts.append(f"<h2>Effects (variance reduction: {reduction})</h2>")
        rows = [dict(label=f"{r.metric_name} · {r.treatment_variant}", effect=r.relative_effect,
                     lo=r.relative_ci_lower, hi=r.relative_ci_upper, significant=bool(r.is_significant))
                for r in main.itertuples()]
        parts.append(forest_svg(rows))
        table = main[["metric_name", "metric_role", "treatment_variant", "control_units", "treatment_units",
                      "control_mean", "treatment_mean", "relative_effect", "relative_ci_lower",
                      "relative_ci_upper", "p_value", "p_value_adjusted", "is_significant"]]
        parts.append(table.to_html(index=False, float_format=lambda v: f"{v:.4g}"))
    seg = res[(res["segment_name"] != "all") & (res["variance_reduction"] == "none")]
    for name, block in seg.groupby("segment_name"):
        parts.append(f"<h2>Segments by {html.escape(name)} (own BH family; exploratory)</h2>")
        rows = [dict(label=f"{r.metric_name} · {r.treatment_variant} · {r.segment_value}", effect=r.relative_effect,
                     lo=r.relative_ci_lower, hi=r.relative_ci_upper, significant=bool(r.is_significant))
                for r in block.itertuples()]
        parts.append(forest_svg(rows))
    parts.append("<p>Intervals: 95% Welch z (delta method for ratio metrics and relative effects); "
                 "p-values adjusted by Benjamini–Hochberg. See docs/experimentation.md.</p></body></html>")
    return "\n".join(parts)


READOUT_MARTS = ("fct_experiment_health", "fct_experiment_results")


def connect_published(folder: Path):
    """An in-memory DuckDB whose views of the readout's marts read <folder>/<mart>.parquet."""
    con = duckdb.connect()
    for name in READOUT_MARTS:
        path = folder / f"{name}.parquet"
        if not path.is_file():
            raise SystemExit(f"{path} not found: the warehouse is locked and this mart was not published there "
                             "(set SV_PUBLISH_PATH to the folder the build publishes to)")
        quoted = "'" + str(path).replace("'", "''") + "'"  # a view cannot take a prepared parameter
        con.execute(f"create view {name} as select * from read_parquet({quoted})")
    return con


def connect(database: str, publish_dir: str | None):
    """Read-only connection to the warehouse, or to its published Parquet while
    another process holds the DuckDB file's write lock."""
    if not Path(database).is_file():
        raise SystemExit(f"no DuckDB warehouse at {database}: run `make run`, or pass --duckdb "
                         "(or set SV_DUCKDB_PATH) for another build")
    try:
        return duckdb.connect(database, read_only=True)
    except duckdb.IOException as exc:
        if "Could not set lock" not in str(exc):
            raise
    folder = Path(publish_dir) if publish_dir else Path(database).parent
    print(f"{database} is locked by another process (a build?): reading the Parquet files "
          f"the last build published in {folder}/", file=sys.stderr)
    return connect_published(folder)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--experiment", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--duckdb", default=os.environ.get("SV_DUCKDB_PATH", "data/warehouse.duckdb"))
    args = ap.parse_args()
    con = connect(args.duckdb, os.environ.get("SV_PUBLISH_PATH"))
    page = render(con, args.experiment)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    print(out)


if __name__ == "__main__":
    main()
