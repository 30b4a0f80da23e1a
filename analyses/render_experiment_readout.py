"""Render one experiment's readout as a self-contained HTML page that opens with the decision.

    .venv/bin/python analyses/render_experiment_readout.py --experiment exp_001 --out reports/exp_001.html

Reads fct_experiment_decisions, fct_experiment_results, fct_experiment_results_daily and
fct_experiment_health from the DuckDB warehouse (--duckdb, default env SV_DUCKDB_PATH or
data/warehouse.duckdb, where `make run` builds). While another process (a build) holds the
DuckDB file, it reads the same marts from the Parquet files the build published (env
SV_PUBLISH_PATH, default the folder of the DuckDB file) and says so on stderr.

The page: the decision per treatment variant (variance reduction none first, then CUPED),
with one plain-language line per primary metric, its reasons, checks and the alpha used; then
forest plots (inline SVG, relative effect and its interval) and tables (always-valid interval,
MDE, chance to win, expected loss next to each effect) of the primary metrics, the guardrails
(with their non-inferiority margin) and the secondary metrics; under the primary metrics the
cumulative effect per analysis day with its fixed and always-valid bands; then health and
segments. A warehouse built before fct_experiment_decisions or fct_experiment_results_daily
existed still renders, and the page says to rebuild. Chart helpers: readout_charts.py, next
to this file.
"""
from __future__ import annotations

import argparse
import html
import importlib.util
import math
import os
import sys
from pathlib import Path

import duckdb
import pandas as pd


def _load_sibling(name: str):
    """A module next to this file, loaded by its path: the script runs as a file
    (python analyses/render_experiment_readout.py) and the tests load it the same way."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parent / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CHARTS = _load_sibling("readout_charts")
OKABE_ITO = CHARTS.OKABE_ITO
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
                        "p_value_non_inferiority", "is_non_inferior", "mde_relative", "pre_period_p_value",
                        # third round (issue 30): always-valid inference, Bayesian readout, capping
                        "p_value_sequential", "relative_sequential_ci_lower", "relative_sequential_ci_upper",
                        "chance_to_win", "expected_loss", "winsorize_cap")
HEALTH_COLUMNS_ADDED = ("is_configured_variant", "exposures_outside_window")
NO_DECISION_TABLE = "No decision table: rebuild with dbt build (fct_experiment_decisions is not in this warehouse)."
NO_DAILY_TABLE = ("No daily results, so no chart of the effect over time: rebuild with dbt build "
                  "(fct_experiment_results_daily is not in this warehouse).")

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
.summary li{margin:.2em 0}
table.results{font-size:.9em}
figure{margin:0 0 1.5em}
figcaption{font-size:.95em;margin:.2em 0}
"""


_is_missing = CHARTS.is_missing
_pct = CHARTS.pct


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
                         margin_at=CHARTS.margin_position(r.non_inferiority_margin, r.preferred_direction) if guardrail else None))
    parts = [CHARTS.forest_svg(rows)] if rows else []
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
    """The numbers of a block: next to each effect its always-valid interval (with p), the MDE,
    chance to win and expected loss, then the fixed-horizon tests."""
    head = ["metric · variant", "units (C / T)", "mean (C / T)", "relative effect [interval]",
            "always-valid [interval], p", "MDE (80 %)", "chance to win", "expected loss", "p (adjusted)",
            "significant", "pre-period p"]
    if guardrail:
        head[9:10] = ["margin", "p non-inferiority", "non-inferior"]
    out = ["<table class='results'><thead><tr>" + "".join(f"<th>{h}</th>" for h in head)
           + "</tr></thead><tbody>"]
    for r in block.itertuples():
        cells = [html.escape(label_of(r)), f"{_num(r.control_units, 12)} / {_num(r.treatment_units, 12)}",
                 f"{_num(r.control_mean)} / {_num(r.treatment_mean)}",
                 f"{_pct(r.relative_effect)} [{_pct(r.relative_ci_lower)}, {_pct(r.relative_ci_upper)}]",
                 f"[{_pct(r.relative_sequential_ci_lower)}, {_pct(r.relative_sequential_ci_upper)}], "
                 f"p = {_num(r.p_value_sequential, 3)}",
                 _pct(r.mde_relative, 1).lstrip("+"), _pct(r.chance_to_win, 1).lstrip("+"),
                 _pct(r.expected_loss, 2).lstrip("+"),
                 f"{_num(r.p_value, 3)} ({_num(r.p_value_adjusted, 3)})", _yes_no(r.is_significant),
                 _num(r.pre_period_p_value, 3)]
        if guardrail:
            cells[9:10] = [_pct(CHARTS.margin_position(r.non_inferiority_margin, r.preferred_direction), 1),
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


# ---------------------------------------------------------------- plain-language summary

def plain_pct(x) -> str:
    """A relative value in words: one decimal ('3.1 %', '0.8 %'), two significant digits under
    0.1 % ('0.042 %'), so a small effect does not read as zero."""
    value = 100 * x
    return f"{value:.1f} %" if abs(value) >= 0.1 else f"{value:.2g} %"


def chance_words(x) -> str:
    """Chance to win as a whole percentage; beyond 99 % or under 1 % it says so rather than
    round to a certainty it is not."""
    if x > 0.99:
        return "over 99 %"
    if x < 0.01:
        return "under 1 %"
    return f"{100 * x:.0f} %"


def level_words(alpha) -> str:
    return f"{100 * (1 - alpha):g} %"


def decision_words(decision) -> str:
    return str(decision).replace("_", " ")


def counts_as_changed(r, d) -> bool:
    """Whether the decision counts this primary metric as changed: the fixed-horizon adjusted
    test (is_significant), or on the sequential basis the always-valid p-value at the decision's
    Bonferroni level (p_value_sequential x comparisons < alpha, i.e. < alpha_primary)."""
    if d.decision_basis == "sequential" and not _is_missing(d.alpha_primary):
        return not _is_missing(r.p_value_sequential) and r.p_value_sequential < d.alpha_primary
    return _flag(r.is_significant)


def _interval_words(r) -> str:
    words = f"{level_words(r.alpha)} CI {plain_pct(r.relative_ci_lower)} to {plain_pct(r.relative_ci_upper)}"
    if not (_is_missing(r.relative_sequential_ci_lower) or _is_missing(r.relative_sequential_ci_upper)):
        words += (f"; always-valid CI {plain_pct(r.relative_sequential_ci_lower)} to "
                  f"{plain_pct(r.relative_sequential_ci_upper)}")
    return words


def summary_line(r, d) -> str:
    """One sentence per primary metric and treatment variant: what changed, with its intervals,
    chance to win (or what the experiment could have detected) and the decision."""
    variant, metric = f"Variant {r.treatment_variant}", str(r.metric_name).replace("_", " ")
    decision = f"Decision: {decision_words(d.decision)}."
    if _lacks_sample(r):
        return f"{variant}: too few units to test {metric} ({_units(r)}). {decision}"
    if not _has_interval(r):
        return f"{variant}: no interval for {metric} (zero variance or a zero control mean). {decision}"
    chance = "" if _is_missing(r.chance_to_win) else f"; chance to win {chance_words(r.chance_to_win)}"
    if counts_as_changed(r, d):
        verb = "raised" if r.relative_effect > 0 else "lowered"
        wanted = (r.relative_effect < 0) if r.preferred_direction == "decrease" else (r.relative_effect > 0)
        against = "" if wanted else ", against the preferred direction"
        return (f"{variant} {verb} {metric} by {plain_pct(abs(r.relative_effect))}{against} "
                f"({_interval_words(r)}){chance}. {decision}")
    detectable = ("" if _is_missing(r.mde_relative)
                  else f"; the experiment could detect {plain_pct(r.mde_relative)} or more")
    return (f"{variant}: no detectable change in {metric} ({plain_pct(r.relative_effect)}, {_interval_words(r)})"
            f"{detectable}{chance}. {decision}")


def summary_rows(d, primary: pd.DataFrame) -> list:
    """The primary-metric rows a decision read: its variant's, CUPED rows for the cuped decision
    where the metric has one and the unadjusted row otherwise (as fct_experiment_decisions)."""
    mine = primary[primary["treatment_variant"] == d.treatment_variant]
    rows = []
    for _, metric_rows in mine.groupby("metric_name", sort=True):
        by_reduction = {r.variance_reduction: r for r in metric_rows.itertuples()}
        row = by_reduction.get(d.variance_reduction) or by_reduction.get("none")
        if row is not None:
            rows.append(row)
    return rows


def summary_list(d, primary: pd.DataFrame) -> str:
    rows = summary_rows(d, primary)
    if not rows:
        return ""
    return ("<ul class='summary'>" + "".join(
        f"<li class='summary-line' data-metric='{_esc(r.metric_name)}'>{html.escape(summary_line(r, d))}</li>"
        for r in rows) + "</ul>")


# ---------------------------------------------------------------- decision

def decision_block(d, health: pd.DataFrame, primary: pd.DataFrame) -> str:
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
        summary_list(d, primary),
        f"<p>Primary metrics improved: {_num(d.primary_metrics_improved, 12)}, harmed: "
        f"{_num(d.primary_metrics_harmed, 12)}; guardrails failed: {_num(d.guardrails_failed, 12)}.</p>",
        "<p>Reasons:</p><ul class='reasons'>" + "".join(f"<li>{html.escape(x)}</li>" for x in reasons) + "</ul>",
        "<p>Checks:</p><ul class='checks'>" + "".join(f"<li>{html.escape(x)}</li>" for x in checks) + "</ul>",
        f"<p class='alpha'>{html.escape(alpha_statement(d))}.</p>",
        "</section>"])


def decisions_section(decisions: pd.DataFrame | None, health: pd.DataFrame, primary: pd.DataFrame) -> str:
    """primary: the primary metrics' rows of fct_experiment_results, segment all."""
    parts = ["<h2 id='decision'>Decision</h2>"]
    if decisions is None:
        parts.append(f"<p class='warn decision-missing'>{NO_DECISION_TABLE}</p>")
    elif decisions.empty:
        parts.append("<p class='warn decision-missing'>No row for this experiment in fct_experiment_decisions.</p>")
    else:
        order = {name: i for i, (name, _) in enumerate(REDUCTIONS)}
        decisions = decisions.assign(_order=decisions["variance_reduction"].map(order).fillna(len(order)))
        for _, block in decisions.sort_values(["treatment_variant", "_order"]).groupby("treatment_variant", sort=False):
            parts.extend(decision_block(d, health, primary) for d in block.itertuples())
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


# ---------------------------------------------------------------- over time

def _daily_caption(label: str, days: pd.DataFrame, result) -> str:
    last = days.iloc[-1]
    caption = (f"{label}: cumulative relative effect at the end of each analysis day; last day "
               f"{_pct(last.relative_effect)} (fixed [{_pct(last.relative_ci_lower)}, {_pct(last.relative_ci_upper)}], "
               f"always-valid [{_pct(last.relative_sequential_ci_lower)}, {_pct(last.relative_sequential_ci_upper)}]).")
    if result is not None and not _is_missing(result.winsorize_cap):
        caption += (f" The daily values are uncapped; the result above caps unit values at {_num(result.winsorize_cap)},"
                    " so its effect can differ from the last day.")
    return html.escape(caption)


def over_time_figure(label: str, days: pd.DataFrame, result, chart_id: str) -> str:
    """One metric x treatment variant: the chart of fct_experiment_results_daily, or why there is none."""
    if days.empty:
        return (f"<p class='no-daily'>{html.escape(label)}: no daily rows (imported experiments and quantile "
                "metrics have none).</p>")
    if CHARTS.complete_days(days).empty:
        return f"<p class='no-daily'>{html.escape(label)}: no day with enough units for a test.</p>"
    level = level_words(days["alpha"].iloc[-1]) if "alpha" in days and not _is_missing(days["alpha"].iloc[-1]) else "(1 − α)"
    metric, variant = days["metric_name"].iloc[0], days["treatment_variant"].iloc[0]
    return (f"<figure class='over-time' data-metric='{_esc(metric)}' data-variant='{_esc(variant)}'>"
            + CHARTS.cumulative_svg(days, level, chart_id)
            + f"<figcaption>{_daily_caption(label, days, result)}</figcaption></figure>")


def over_time_section(daily: pd.DataFrame | None, primary: pd.DataFrame) -> str:
    """The primary metrics' cumulative effect per analysis day (no variance reduction), one chart
    per metric x treatment variant; a warehouse without the daily mart says so."""
    parts = ["<h3 class='over-time'>Primary metrics over time (cumulative, no variance reduction)</h3>"]
    if daily is None:
        return "\n".join(parts + [f"<p class='warn daily-missing'>{NO_DAILY_TABLE}</p>"])
    parts.append("<p>Read the fixed-horizon band only on the planned last day; a day on which the always-valid band "
                 "excludes 0 is a valid reason to stop, however often the experiment was looked at "
                 "(docs/experimentation.md, Monitoring).</p>")
    results = primary[primary["variance_reduction"] == "none"].sort_values(["metric_name", "treatment_variant"])
    for i, r in enumerate(results.itertuples()):
        days = daily[(daily["metric_name"] == r.metric_name) & (daily["treatment_variant"] == r.treatment_variant)]
        parts.append(over_time_figure(f"{r.metric_name} · {r.treatment_variant}", days.sort_values("analysis_date"),
                                      r, f"over-time-{i}"))
    return "\n".join(parts)


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
    daily = (con.execute("select * from fct_experiment_results_daily where experiment_id = ? "
                         "order by metric_name, treatment_variant, analysis_date", [experiment_id]).df()
             if _table_exists(con, "fct_experiment_results_daily") else None)
    if health.empty and res.empty and (decisions is None or decisions.empty):
        raise SystemExit(f"experiment {experiment_id} not found in fct_experiment_health / fct_experiment_results")
    overall = res[res["segment_name"] == "all"]
    primary = overall[overall["metric_role"] == "primary"]
    parts = [f"<!doctype html><html><head><meta charset='utf-8'>"
             "<meta name='viewport' content='width=device-width, initial-scale=1'>"
             f"<title>Readout {html.escape(experiment_id)}</title><style>{PAGE_CSS}</style></head><body>",
             f"<h1>Experiment readout: {html.escape(experiment_id)}</h1>",
             decisions_section(decisions, health, primary)]
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
        if role == "primary":
            parts.append(over_time_section(daily, in_role))
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
# Read when published; a folder from a build before these marts existed still renders and says so.
OPTIONAL_READOUT_MARTS = ("fct_experiment_decisions", "fct_experiment_results_daily")


def connect_published(folder: Path):
    """An in-memory DuckDB whose views of the readout's marts read <folder>/<mart>.parquet."""
    con = duckdb.connect()
    for name in READOUT_MARTS + OPTIONAL_READOUT_MARTS:
        path = folder / f"{name}.parquet"
        if not path.is_file():
            if name in OPTIONAL_READOUT_MARTS:
                print(f"{path} not found: the page says {name} is missing", file=sys.stderr)
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
