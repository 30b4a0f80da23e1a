"""Render one experiment's readout as a self-contained HTML page that opens with the decision.

    .venv/bin/python analyses/render_experiment_readout.py --experiment exp_001 --out reports/exp_001.html

Reads fct_experiment_decisions, fct_experiment_results and fct_experiment_health from the
DuckDB warehouse (--duckdb, default env SV_DUCKDB_PATH or data/warehouse.duckdb, where
`make run` builds). While another process (a build) holds the DuckDB file, it reads the same
marts from the Parquet files the build published (env SV_PUBLISH_PATH, default the folder of
the DuckDB file) and says so on stderr.

The page: the decision per treatment variant (variance reduction none first, then CUPED),
with its reasons, checks and the alpha used; then forest plots (inline SVG, relative effect
and its interval) of the primary metrics, the guardrails (with their non-inferiority margin)
and the secondary metrics; then health and segments. A warehouse built before
fct_experiment_decisions existed still renders, and the page says to rebuild.
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

# Okabe & Ito's colour-blind-safe palette; every colour also comes with a printed word or value.
OKABE_ITO = {"green": "#009E73", "vermillion": "#D55E00", "grey": "#999999", "black": "#000000",
             "blue": "#0072B2", "orange": "#E69F00"}
DECISION_STYLES = {  # decision -> (symbol, word, background, text colour)
    "ship": ("✓", "SHIP", OKABE_ITO["green"], "#000"),
    "do_not_ship": ("✗", "DO NOT SHIP", OKABE_ITO["vermillion"], "#000"),
    "inconclusive": ("?", "INCONCLUSIVE", OKABE_ITO["grey"], "#000"),
    "invalid": ("⚠", "INVALID", OKABE_ITO["black"], "#fff"),
}
ROLE_SECTIONS = (("primary", "Primary metrics"), ("guardrail", "Guardrails"), ("secondary", "Secondary metrics"))
REDUCTIONS = (("none", "no variance reduction"), ("cuped", "CUPED"))
# Columns of the second-round contract (public_marts.md section 5); a warehouse built before
# them reads them as null, so the page still renders and says what is missing.
RESULT_COLUMNS_ADDED = ("metric_role", "preferred_direction", "is_sample_sufficient", "non_inferiority_margin",
                        "p_value_non_inferiority", "is_non_inferior", "mde_relative", "pre_period_p_value")
HEALTH_COLUMNS_ADDED = ("is_configured_variant", "exposures_outside_window")
LABEL_CHARS = 38  # about 7 px a character at 13 px: what fits the plot's 280-px label column
NO_DECISION_TABLE = "No decision table: rebuild with dbt build (fct_experiment_decisions is not in this warehouse)."

PAGE_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;max-width:1100px;margin:1.5em auto;padding:0 16px;line-height:1.4;color:#111}
svg{display:block;width:100%;height:auto}
table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}
td,th{border-bottom:1px solid #ddd;padding:3px 6px;text-align:right;overflow-wrap:anywhere;vertical-align:top}
td:first-child,th:first-child{text-align:left}
th{background:#f6f8fa;font-weight:600}
.warn{color:#a33c00;font-weight:bold}
.decision{border:1px solid #ccc;border-radius:6px;padding:12px 16px;margin:0 0 1em}
.badge{display:inline-block;font-size:2em;font-weight:800;padding:.15em .6em;border-radius:6px;letter-spacing:.03em}
.decision.cuped .badge{font-size:1.4em}
.insufficient li,.no-interval li{margin:.1em 0}
.alpha{font-style:italic}
"""


def _is_missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and x != x)


def _pct(x, digits=2) -> str:
    return "–" if _is_missing(x) else f"{100 * x:+.{digits}f}%"


def _num(x, digits=4) -> str:
    return "–" if _is_missing(x) else f"{x:.{digits}g}"


def _yes_no(x) -> str:
    return "–" if _is_missing(x) else ("yes" if bool(x) else "no")


def _alpha(x) -> str:
    return f"{x:.3g}"


def _esc(x) -> str:
    return html.escape("" if _is_missing(x) else str(x))


def _cell(x) -> str:
    return _num(x, 6) if isinstance(x, float) else _esc(x)


def _flag(x) -> bool:
    return not _is_missing(x) and bool(x)


# ---------------------------------------------------------------- forest plot

def margin_position(margin, preferred_direction) -> float | None:
    """Relative effect at which a guardrail stops being non-inferior: a loss of `margin`
    in the preferred direction, so -margin for 'increase' and +margin for 'decrease'."""
    if _is_missing(margin):
        return None
    return margin if preferred_direction == "decrease" else -margin


def forest_svg(rows: list[dict], width: int = 960) -> str:
    """rows: label, effect, lo, hi, color, filled, margin_at (relative effect of the guardrail's
    non-inferiority margin, or None). One shared relative-effect axis; responsive width
    (viewBox, width 100 %); the value and interval are printed right of each row."""
    has_margins = any(r["margin_at"] is not None for r in rows)
    # guardrail rows are taller: the margin label sits above the row's interval
    left, right, row_h, top, bottom = 280, 190, (36 if has_margins else 28), 30, 34
    values = [0.0] + [v for r in rows for v in (r["lo"], r["hi"], r["margin_at"]) if v is not None]
    ticks = nice_ticks(min(values), max(values))
    lo, hi = ticks[0], ticks[-1]
    plot_w = width - left - right

    def sx(v: float) -> float:
        return left + (v - lo) / (hi - lo) * plot_w

    height = top + row_h * len(rows) + bottom
    axis_y = top + row_h * len(rows)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
           f'preserveAspectRatio="xMinYMin meet" font-family="sans-serif" font-size="13" role="img">']
    out.append(f'<line class="zero" data-value="0" x1="{sx(0):.2f}" y1="{top - 6}" x2="{sx(0):.2f}" y2="{axis_y}" '
               'stroke="#888"/>')
    for start, end, at in _margin_runs(rows):
        x, y1, y2 = sx(at), top + start * row_h + 2, top + end * row_h - 2
        out.append(f'<line class="ni-margin" data-value="{at!r}" x1="{x:.2f}" y1="{y1}" x2="{x:.2f}" y2="{y2}" '
                   f'stroke="{OKABE_ITO["orange"]}" stroke-width="2" stroke-dasharray="6 4"/>')
        anchor, dx = ("start", 4) if at < 0 else ("end", -4)  # towards zero, away from the text columns
        out.append(f'<text class="ni-margin-label" x="{x + dx:.2f}" y="{y1 + 9}" text-anchor="{anchor}" '
                   f'font-size="11" fill="#7a4a00">margin {_pct(at, 1)}</text>')
    for i, r in enumerate(rows):
        y = top + i * row_h + row_h / 2
        fill = r["color"] if r["filled"] else "#fff"
        out.append(f'<text x="{left - 10}" y="{y + 4:.1f}" text-anchor="end"><title>{html.escape(r["label"])}</title>'
                   f'{html.escape(_shortened(r["label"], LABEL_CHARS))}</text>')
        out.append(f'<line x1="{sx(r["lo"]):.2f}" y1="{y:.1f}" x2="{sx(r["hi"]):.2f}" y2="{y:.1f}" '
                   f'stroke="{r["color"]}" stroke-width="2.5"/>')
        out.append(f'<rect x="{sx(r["effect"]) - 5:.2f}" y="{y - 5:.1f}" width="10" height="10" fill="{fill}" '
                   f'stroke="{r["color"]}" stroke-width="2"/>')
        out.append(f'<text x="{width - right + 10}" y="{y + 4:.1f}">{_pct(r["effect"], 1)} '
                   f'[{_pct(r["lo"], 1)}, {_pct(r["hi"], 1)}]</text>')
    out.append(f'<line x1="{left}" y1="{axis_y}" x2="{width - right}" y2="{axis_y}" stroke="#555"/>')
    for v in ticks:
        out.append(f'<text class="tick" data-value="{v!r}" x="{sx(v):.2f}" y="{axis_y + 18}" text-anchor="middle" '
                   f'fill="#444">{"0" if v == 0 else f"{100 * v:+g}%"}</text>')
    out.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 2}" text-anchor="middle" fill="#444" '
               'font-size="11">relative effect (treatment / control − 1)</text>')
    out.append("</svg>")
    return "\n".join(out)


def _shortened(text: str, most: int) -> str:
    """The label cut in the middle to what fits left of the plot, keeping the metric's start and
    the variant at the end (the table below has it whole; hovering shows it)."""
    if len(text) <= most:
        return text
    head = (most - 1) // 2
    return text[:head] + "…" + text[len(text) - (most - 1 - head):]


def nice_ticks(lo: float, hi: float, most: int = 7) -> list[float]:
    """Evenly spaced round ticks (1, 2 or 5 times a power of ten) covering [lo, hi] with a little room."""
    span = (hi - lo) or 0.02
    lo, hi = lo - 0.04 * span, hi + 0.04 * span
    for step in (m * 10.0 ** e for e in range(-6, 3) for m in (1, 2, 5)):
        first, last = math.floor(lo / step), math.ceil(hi / step)
        if last - first + 1 <= most:
            return [round(k * step, 12) for k in range(first, last + 1)]
    raise ValueError(f"no tick step for [{lo}, {hi}]")


def _margin_runs(rows: list[dict]) -> list[tuple[int, int, float]]:
    """(first row, row after the last, position) for each run of consecutive rows sharing a margin."""
    runs: list[tuple[int, int, float]] = []
    for i, r in enumerate(rows):
        at = r["margin_at"]
        if at is None:
            continue
        if runs and runs[-1][1] == i and runs[-1][2] == at:
            runs[-1] = (runs[-1][0], i + 1, at)
        else:
            runs.append((i, i + 1, at))
    return runs


# ---------------------------------------------------------------- sections

def _effect_color(r) -> tuple[str, bool]:
    """Colour and fill of a row's marker: filled when significant, green when the effect goes
    the preferred way, vermillion when against it (the printed interval says the same)."""
    if not _flag(r.is_significant):
        return "#333", False
    better = (r.relative_effect < 0) if r.preferred_direction == "decrease" else (r.relative_effect > 0)
    return (OKABE_ITO["green"] if better else OKABE_ITO["vermillion"]), True


def _has_interval(r) -> bool:
    values = (r.relative_effect, r.relative_ci_lower, r.relative_ci_upper)
    return not any(_is_missing(v) for v in values) and all(math.isfinite(v) for v in values)


def _lacks_sample(r) -> bool:
    return not _is_missing(r.is_sample_sufficient) and not bool(r.is_sample_sufficient)


def metric_block(block: pd.DataFrame, label_of, guardrail: bool) -> str:
    """Forest plot of the rows with an interval, the rows without one listed with their counts,
    then the numbers as a table."""
    rows = []
    for r in block.itertuples():
        if _lacks_sample(r) or not _has_interval(r):
            continue
        color, filled = _effect_color(r)
        rows.append(dict(label=label_of(r), effect=r.relative_effect, lo=r.relative_ci_lower,
                         hi=r.relative_ci_upper, color=color, filled=filled,
                         margin_at=margin_position(r.non_inferiority_margin, r.preferred_direction) if guardrail else None))
    parts = [forest_svg(rows)] if rows else []
    insufficient = [r for r in block.itertuples() if _lacks_sample(r)]
    if insufficient:
        parts.append("<ul class='insufficient'>" + "".join(
            f"<li>{html.escape(label_of(r))}: {_units(r)}: too few units for a test</li>" for r in insufficient)
            + "</ul>")
    degenerate = [r for r in block.itertuples() if not _lacks_sample(r) and not _has_interval(r)]
    if degenerate:
        parts.append("<ul class='no-interval'>" + "".join(
            f"<li>{html.escape(label_of(r))}: {_units(r)}: no interval (zero variance or a zero control mean)</li>" for r in degenerate)
            + "</ul>")
    parts.append(results_table(block, label_of, guardrail))
    return "\n".join(parts)


def _units(r) -> str:
    return f"{_num(r.control_units, 12)} control / {_num(r.treatment_units, 12)} treatment units"


def results_table(block: pd.DataFrame, label_of, guardrail: bool) -> str:
    head = ["metric · variant", "units (C / T)", "mean (C / T)", "relative effect [interval]", "p", "p adjusted",
            "significant", "MDE (80 %)", "pre-period p"]
    if guardrail:
        head[6:7] = ["margin", "p non-inferiority", "non-inferior"]
    out = ["<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"]
    for r in block.itertuples():
        cells = [html.escape(label_of(r)), f"{_num(r.control_units, 12)} / {_num(r.treatment_units, 12)}",
                 f"{_num(r.control_mean)} / {_num(r.treatment_mean)}",
                 f"{_pct(r.relative_effect)} [{_pct(r.relative_ci_lower)}, {_pct(r.relative_ci_upper)}]",
                 _num(r.p_value, 3), _num(r.p_value_adjusted, 3), _yes_no(r.is_significant),
                 _pct(r.mde_relative, 1).lstrip("+"), _num(r.pre_period_p_value, 3)]
        if guardrail:
            cells[6:7] = [_pct(margin_position(r.non_inferiority_margin, r.preferred_direction), 1),
                          _num(r.p_value_non_inferiority, 3), _yes_no(r.is_non_inferior)]
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def alpha_statement(d) -> str:
    """The levels the decision actually used, from the decision row."""
    alpha = d.alpha
    if _is_missing(alpha):
        return "the levels used are not in fct_experiment_decisions (alpha, alpha_primary): rebuild with dbt build"
    if _is_missing(d.alpha_primary):
        primary = "no primary metric tested"
    else:
        comparisons = round(alpha / d.alpha_primary)
        noun = "comparison" if comparisons == 1 else "comparisons"
        primary = (f"primary metrics tested at α = {_alpha(d.alpha_primary)} "
                   f"({_alpha(alpha)} Bonferroni over {comparisons} {noun})")
    return (f"{primary}; guardrails one-sided non-inferiority at α = {_alpha(alpha)}; "
            "secondary metrics BH-adjusted, exploratory")


def decision_block(d, health: pd.DataFrame) -> str:
    symbol, word, background, text = DECISION_STYLES.get(d.decision, ("•", str(d.decision).upper(), "#ddd", "#000"))
    title = f"Treatment {html.escape(str(d.treatment_variant))}"
    title += " — CUPED" if d.variance_reduction == "cuped" else " — no variance reduction"
    reasons = [x.strip() for x in str("" if _is_missing(d.decision_reasons) else d.decision_reasons).split("; ")
               if x.strip()]
    srm_p = health["srm_p_value"].min() if "srm_p_value" in health and not health.empty else None
    srm = "sample ratio mismatch" if _flag(d.has_srm) else "no sample ratio mismatch"
    if not _is_missing(srm_p):
        srm += f" (p = {srm_p:.2g})"
    checks = [f"SRM: {srm}",
              "pre-period imbalance: " + ("yes" if _flag(d.has_pre_period_imbalance) else "none detected"),
              f"exposures outside the analysis window: {_pct(d.share_exposures_outside_window).lstrip('+')}"
              " of exposures"]
    return "\n".join([
        f"<section class='decision {html.escape(str(d.variance_reduction))}' "
        f"data-decision='{html.escape(str(d.decision))}' data-variance-reduction='{html.escape(str(d.variance_reduction))}'>",
        f"<h3>{title}</h3>",
        f"<p><span class='badge' style='background:{background};color:{text}'>{symbol} {word}</span> "
        f"<small>basis: {_esc(d.decision_basis)}</small></p>",
        f"<p>Primary metrics improved: {_num(d.primary_metrics_improved, 12)}, harmed: "
        f"{_num(d.primary_metrics_harmed, 12)}; guardrails failed: {_num(d.guardrails_failed, 12)}.</p>",
        "<p>Reasons:</p><ul class='reasons'>" + "".join(f"<li>{html.escape(x)}</li>" for x in reasons) + "</ul>",
        "<p>Checks:</p><ul class='checks'>" + "".join(f"<li>{html.escape(x)}</li>" for x in checks) + "</ul>",
        f"<p class='alpha'>{html.escape(alpha_statement(d))}.</p>",
        "</section>"])


def decisions_section(decisions: pd.DataFrame | None, health: pd.DataFrame) -> str:
    parts = ["<h2 id='decision'>Decision</h2>"]
    if decisions is None:
        parts.append(f"<p class='warn decision-missing'>{NO_DECISION_TABLE}</p>")
    elif decisions.empty:
        parts.append("<p class='warn decision-missing'>No row for this experiment in fct_experiment_decisions.</p>")
    else:
        order = {name: i for i, (name, _) in enumerate(REDUCTIONS)}
        decisions = decisions.assign(_order=decisions["variance_reduction"].map(order).fillna(len(order)))
        for _, block in decisions.sort_values(["treatment_variant", "_order"]).groupby("treatment_variant", sort=False):
            parts.extend(decision_block(d, health) for d in block.itertuples())
    return "\n".join(parts)


def health_section(health: pd.DataFrame) -> str:
    if health.empty:
        return ""
    columns = ["variant", "expected_share", "is_configured_variant", "assigned_units", "exposed_units",
               "units_in_multiple_variants", "exposures_outside_window", "srm_p_value", "has_srm"]
    out = ["<h2 id='health'>Health</h2>"]
    if bool(health["has_srm"].any()):
        out.append(f"<p class='warn'>Sample ratio mismatch (p = {health['srm_p_value'].iloc[0]:.2e}): "
                   "do not trust the effects until the cause is found.</p>")
    out.append("<table><thead><tr>" + "".join(f"<th>{c.replace('_', ' ')}</th>" for c in columns) + "</tr></thead><tbody>")
    for r in health.itertuples():
        out.append("<tr>" + "".join(f"<td>{_cell(getattr(r, c))}</td>" for c in columns) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


# ---------------------------------------------------------------- page

def _table_exists(con, name: str) -> bool:
    return con.execute("select count(*) from information_schema.tables where table_name = ? "
                       "and table_schema = current_schema()", [name]).fetchone()[0] > 0


def _with_columns(frame: pd.DataFrame, columns) -> pd.DataFrame:
    return frame.assign(**{c: None for c in columns if c not in frame.columns})


def render(con, experiment_id: str) -> str:
    health = _with_columns(con.execute("select * from fct_experiment_health where experiment_id = ? order by variant",
                                       [experiment_id]).df(), HEALTH_COLUMNS_ADDED)
    res = _with_columns(con.execute("select * from fct_experiment_results where experiment_id = ? "
                                    "order by segment_name, segment_value, metric_name, treatment_variant",
                                    [experiment_id]).df(), RESULT_COLUMNS_ADDED)
    decisions = (_with_columns(con.execute("select * from fct_experiment_decisions where experiment_id = ?",
                                           [experiment_id]).df(), ("alpha", "alpha_primary"))
                 if _table_exists(con, "fct_experiment_decisions") else None)
    if health.empty and res.empty and (decisions is None or decisions.empty):
        raise SystemExit(f"experiment {experiment_id} not found in fct_experiment_health / fct_experiment_results")
    parts = [f"<!doctype html><html><head><meta charset='utf-8'>"
             "<meta name='viewport' content='width=device-width, initial-scale=1'>"
             f"<title>Readout {html.escape(experiment_id)}</title><style>{PAGE_CSS}</style></head><body>",
             f"<h1>Experiment readout: {html.escape(experiment_id)}</h1>",
             decisions_section(decisions, health)]
    overall = res[res["segment_name"] == "all"]
    roles = list(ROLE_SECTIONS) + [(None, "Metrics without a role")]
    for role, heading in roles:
        in_role = overall[overall["metric_role"].isna()] if role is None else overall[overall["metric_role"] == role]
        if in_role.empty:
            continue
        parts.append(f"<h2 class='role' id='{role or 'no-role'}'>{heading}</h2>")
        for reduction, reduction_label in REDUCTIONS:
            block = in_role[in_role["variance_reduction"] == reduction]
            if not block.empty:
                parts.append(f"<h3>{heading}, {reduction_label}</h3>")
                parts.append(metric_block(block, lambda r: f"{r.metric_name} · {r.treatment_variant}",
                                          guardrail=role == "guardrail"))
    parts.append(health_section(health))
    segments = res[(res["segment_name"] != "all") & (res["variance_reduction"] == "none")]
    for name, block in segments.groupby("segment_name"):
        parts.append(f"<h2>Segments by {html.escape(name)} (own adjustment family; exploratory)</h2>")
        parts.append(metric_block(block, lambda r: f"{r.metric_name} · {r.treatment_variant} · {r.segment_value}",
                                  guardrail=False))
    parts.append("<p>Intervals: two-sided (1 − α) Welch z, unadjusted (delta method for ratio metrics and relative "
                 "effects); a filled marker is significant after adjustment: primary metrics Bonferroni, "
                 "secondary metrics Benjamini–Hochberg, guardrails unadjusted (their one-sided non-inferiority "
                 "test against the dashed margin decides). See docs/experimentation.md.</p></body></html>")
    return "\n".join(p for p in parts if p)


READOUT_MARTS = ("fct_experiment_health", "fct_experiment_results")
# Read when published; a folder from a build before the decision mart existed still renders.
OPTIONAL_READOUT_MARTS = ("fct_experiment_decisions",)


def connect_published(folder: Path):
    """An in-memory DuckDB whose views of the readout's marts read <folder>/<mart>.parquet."""
    con = duckdb.connect()
    for name in READOUT_MARTS + OPTIONAL_READOUT_MARTS:
        path = folder / f"{name}.parquet"
        if not path.is_file():
            if name in OPTIONAL_READOUT_MARTS:
                print(f"{path} not found: the page says there is no decision table", file=sys.stderr)
                continue
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
