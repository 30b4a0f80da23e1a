"""Render one marketplace experiment family (its creator-side, viewer-side and two-sided
designs) side by side as a self-contained HTML page.

    .venv/bin/python analyses/render_marketplace_readout.py --experiments exp_011,exp_012,exp_013 \
        --truth data/small/truth/marketplace_effects.csv --out reports/marketplace.html

Reads fct_marketplace_experiment_estimates from the DuckDB warehouse (--duckdb, default env
SV_DUCKDB_PATH or data/warehouse.duckdb). Per metric: every design x estimator with its
relative estimate and interval (a forest plot and a table), and the bias an analyst reading
only the creator-side experiment would carry: CR's naive estimate minus the two-sided
improved estimate (from the data), and minus the true global effect when --truth (the
simulator's truth/marketplace_effects.csv) is given. docs/marketplace_experiments.md
explains the designs and estimators.
"""
from __future__ import annotations

import argparse
import html
import math
import os
import sys
from pathlib import Path

import duckdb
import pandas as pd

ORDER = [("creator_side", "naive_difference"), ("creator_side", "cannibalization"),
         ("viewer_side", "naive_difference"), ("two_sided", "tsr_naive"), ("two_sided", "tsr_improved")]
LABELS = {("creator_side", "naive_difference"): "CR naive (creators randomized)",
          ("creator_side", "cannibalization"): "CR control creators' loss vs pre-period",
          ("viewer_side", "naive_difference"): "LR naive (viewers randomized)",
          ("two_sided", "tsr_naive"): "TSR naive (Johari et al.)",
          ("two_sided", "tsr_improved"): "TSR improved (both cross cells)"}
COLOURS = {"creator_side": "#D55E00", "viewer_side": "#0072B2", "two_sided": "#009E73"}   # Okabe & Ito


def load(duckdb_path: str, experiments: list[str]) -> pd.DataFrame:
    con = duckdb.connect(duckdb_path, read_only=True)
    try:
        marks = ", ".join("?" for _ in experiments)
        return con.execute(f"select * from fct_marketplace_experiment_estimates where experiment_id in ({marks})",
                           experiments).df()
    finally:
        con.close()


def forest(rows: pd.DataFrame, truth: float | None) -> str:
    """Inline SVG: one line per estimate (point and interval), the zero line and the truth."""
    lo = min(rows["relative_ci_lower"].min(), 0.0, truth if truth is not None else 0.0)
    hi = max(rows["relative_ci_upper"].max(), 0.0, truth if truth is not None else 0.0)
    pad = 0.05 * (hi - lo or 1.0)
    lo, hi = lo - pad, hi + pad
    width, left, row_h = 720, 300, 24
    x = lambda v: left + (v - lo) / (hi - lo) * (width - left - 20)
    height = row_h * (len(rows) + 1)
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="relative estimates with intervals">',
             f'<line x1="{x(0):.1f}" y1="0" x2="{x(0):.1f}" y2="{height}" stroke="#999"/>']
    if truth is not None:
        parts.append(f'<line x1="{x(truth):.1f}" y1="0" x2="{x(truth):.1f}" y2="{height}" stroke="#000" '
                     f'stroke-dasharray="4 3"/><text x="{x(truth) + 4:.1f}" y="12" font-size="11">truth</text>')
    for i, r in enumerate(rows.itertuples(), start=1):
        y = i * row_h
        c = COLOURS[r.design]
        parts.append(f'<text x="4" y="{y + 4}" font-size="13">{html.escape(LABELS[(r.design, r.estimator)])}</text>'
                     f'<line x1="{x(r.relative_ci_lower):.1f}" y1="{y}" x2="{x(r.relative_ci_upper):.1f}" y2="{y}" '
                     f'stroke="{c}" stroke-width="2"/><circle cx="{x(r.relative_estimate):.1f}" cy="{y}" r="4" '
                     f'fill="{c}"/>')
    parts.append("</svg>")
    return "".join(parts)


def pct(v: float) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{100 * v:+.1f} %"


def render(est: pd.DataFrame, truth: pd.DataFrame | None) -> str:
    body = ["<h1>Marketplace experiment: designs side by side</h1>",
            f"<p>Experiments {html.escape(', '.join(sorted(est['experiment_id'].unique())))}. Each design ran on "
            "its own market; the relative estimates and their 95 % intervals are cluster-robust "
            "(docs/marketplace_experiments.md).</p>"]
    for metric in sorted(est["metric_name"].unique()):
        m = est[est["metric_name"] == metric]
        rows = pd.concat([m[(m["design"] == d) & (m["estimator"] == e)] for d, e in ORDER])
        t = None
        if truth is not None:
            tm = truth[truth["metric_name"] == metric].set_index("experiment_id")
            rows = rows.assign(truth=[tm["true_control_creator_relative_loss"].get(r.experiment_id)
                                      if r.estimator == "cannibalization"
                                      else tm["true_global_relative_effect"].get(r.experiment_id)
                                      for r in rows.itertuples()])
            global_rows = rows[rows["estimator"] != "cannibalization"]
            t = float(global_rows["truth"].mean()) if len(global_rows) else None
        body.append(f"<h2>{html.escape(metric)}</h2>")
        plotted = rows[rows["estimator"] != "cannibalization"]
        if len(plotted):
            body.append(forest(plotted, t))
        head = "<tr><th>design x estimator</th><th>estimate</th><th>95 % interval</th><th>units (viewers / creators)</th>"
        head += "<th>truth</th><th>bias</th></tr>" if truth is not None else "</tr>"
        lines = [head]
        for r in rows.itertuples():
            units = f"{r.viewers_control + r.viewers_treatment} / {r.creators_control + r.creators_treatment}"
            line = (f"<tr><td>{html.escape(LABELS[(r.design, r.estimator)])}</td><td>{pct(r.relative_estimate)}</td>"
                    f"<td>{pct(r.relative_ci_lower)} .. {pct(r.relative_ci_upper)}</td><td>{units}</td>")
            if truth is not None:
                line += f"<td>{pct(r.truth)}</td><td>{pct(r.relative_estimate - r.truth)}</td>"
            lines.append(line + "</tr>")
        body.append("<table>" + "".join(lines) + "</table>")
        cr = rows[(rows["design"] == "creator_side") & (rows["estimator"] == "naive_difference")]
        tsr = rows[(rows["design"] == "two_sided") & (rows["estimator"] == "tsr_improved")]
        if len(cr) and len(tsr):
            gap = cr["relative_estimate"].iloc[0] - tsr["relative_estimate"].iloc[0]
            se = math.hypot(cr["relative_standard_error"].iloc[0], tsr["relative_standard_error"].iloc[0])
            text = (f"<p><b>Bias of a CR-only reading</b>: CR naive minus TSR improved = {pct(gap)} "
                    f"(± {100 * 1.96 * se:.1f} points; separate markets, independent errors)")
            if truth is not None:
                text += f"; CR naive minus the true global effect = {pct(cr['relative_estimate'].iloc[0] - t)}"
            body.append(text + ".</p>")
    css = ("body{font-family:system-ui,sans-serif;max-width:1000px;margin:1.5em auto;padding:0 16px}"
           "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:3px 6px;"
           "text-align:right}td:first-child,th:first-child{text-align:left}svg{width:100%;height:auto}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Marketplace readout</title>"
            f"<style>{css}</style></head><body>{''.join(body)}</body></html>")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--experiments", default="exp_011,exp_012,exp_013",
                   help="comma-separated experiment ids of one family (default exp_011,exp_012,exp_013)")
    p.add_argument("--duckdb", default=os.environ.get("SV_DUCKDB_PATH", "data/warehouse.duckdb"))
    p.add_argument("--truth", help="the simulator's truth/marketplace_effects.csv (optional)")
    p.add_argument("--out", required=True, help="HTML file to write")
    a = p.parse_args(argv)
    experiments = [e.strip() for e in a.experiments.split(",") if e.strip()]
    est = load(a.duckdb, experiments)
    if est.empty:
        print(f"render_marketplace_readout: no rows for {', '.join(experiments)} in "
              f"fct_marketplace_experiment_estimates of {a.duckdb}", file=sys.stderr)
        return 2
    truth = pd.read_csv(a.truth) if a.truth else None
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(render(est, truth), encoding="utf-8")
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
