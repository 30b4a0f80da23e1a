"""Render the morning report: one self-contained HTML page a person reads each day.

    .venv/bin/python analyses/render_morning_report.py [--date YYYY-MM-DD] [--out reports/morning_report_<date>.html]
    make report [REPORT_DATE=YYYY-MM-DD] [OUT=path]

Sections (docs/morning_report.md): headline tiles of the required core indicators (value,
day-over-day and week-over-week change, 28-day sparkline); one alert card per indicator slice
flagged by fct_indicator_anomalies on the day (its series and expected band, its top drivers from
fct_indicator_change_drivers, ratios split into rate / mix / interaction, a one-line summary);
the running experiments with their decision, SRM and guardrail flags and a link to each readout;
data health (rows rejected by staging by system and reason, late rows picked up, freshness of
every staged table at the end of the day).

Reads the DuckDB warehouse (--duckdb / --database, default env SV_DUCKDB_PATH or
data/warehouse.duckdb). While another process holds the DuckDB file it reads the marts the
build published as Parquet (--publish-dir, default env SV_PUBLISH_PATH or the DuckDB file's
folder) and says so; the staging tables behind data health are not published, so the page then
says that section is not available. The day defaults to the latest day of
fct_indicator_anomalies (the daily digest's day). Everything is inline: no network, no CDN.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import report_charts as charts  # noqa: E402  (a module next to this script, analyses/ is no package)
from report_charts import esc, format_change, format_delta, format_value, is_missing  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CATALOG_SEED = REPO / "seeds" / "core_indicator_catalog.csv"
SOURCES_YAML = sorted((REPO / "models" / "staging").glob("*/_*__sources.yml"))
TILE_DAYS = 28  # sparkline length
CHART_DAYS = 28  # the alert chart's window
TOP_DRIVERS = 5
DRIVER_DIMENSIONS = ("country", "platform")
# The marts the page reads; the first three are required, in the warehouse or as Parquet.
REQUIRED_MARTS = ("fct_core_indicators", "fct_indicator_anomalies", "fct_indicator_change_drivers")
OPTIONAL_MARTS = ("fct_experiment_decisions",)  # has_srm and srm_p_value of fct_experiment_health too
# Event-grain staging tables and their event time: a row landed on the day whose event day is
# earlier is a late row that this day's build picked up (docs/incremental.md, late rows).
LATE_EVENT_COLUMNS = {
    "stg_app__events": "event_at",
    "stg_ads__ad_requests": "requested_at",
    "stg_ads__impressions": "shown_at",
    "stg_ads__clicks": "clicked_at",
    "stg_ads__conversions": "converted_at",
    "stg_experimentation__assignments": "assigned_at",
    "stg_experimentation__exposures": "exposed_at",
    "stg_labeling__submissions": "submitted_at",
    "stg_labeling__reviews": "reviewed_at",
    "stg_labeling__gamification_events": "event_at",
    "stg_trust_safety__reports": "reported_at",
}
DECISION_WORDS = {  # decision -> (symbol, word, background, text colour), as the readout shows them
    "ship": ("✓", "SHIP", charts.OKABE_ITO["green"], "#000"),
    "do_not_ship": ("✗", "DO NOT SHIP", charts.OKABE_ITO["vermillion"], "#000"),
    "inconclusive": ("?", "INCONCLUSIVE", "#cfcfcf", "#000"),
    "invalid": ("⚠", "INVALID", charts.OKABE_ITO["black"], "#fff"),
}
STATUS_STYLE = {"ok": "#cfe8dc", "warn": "#f6e3b4", "error": "#f3c6b0", "n/a": "#eeeeee"}

PAGE_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;max-width:1200px;margin:1.2em auto;padding:0 16px;line-height:1.4;color:#111}
h1{margin:.2em 0}
h2{border-bottom:2px solid #333;padding-bottom:.15em;margin-top:1.6em}
svg{display:block;width:100%;height:auto}
table{border-collapse:collapse;width:100%;margin:.4em 0 1.2em}
td,th{border-bottom:1px solid #ddd;padding:3px 6px;text-align:right;overflow-wrap:anywhere;vertical-align:top}
td:first-child,th:first-child{text-align:left}
th{background:#f6f8fa;font-weight:600}
table.text td,table.text th{text-align:left}
table.text td.num,table.text th.num{text-align:right}
.lead{color:#333}
.note{color:#555;font-size:.92em}
.warn{color:#a33c00;font-weight:bold}
.domain{margin:.8em 0 .3em;font-size:1.05em;text-transform:capitalize}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,270px),1fr));gap:10px}
.tile{border:1px solid #ccc;border-radius:6px;padding:8px 10px;min-width:0}
.tile .name{font-weight:600;overflow-wrap:anywhere}
.tile .value{font-size:1.45em;font-weight:700}
.tile .changes{font-size:.9em;color:#333}
.tile.flagged{border:2px solid #D55E00}
.flag-badge{color:#000;background:#F0E442;border-radius:3px;padding:0 4px;font-size:.8em;font-weight:600}
.card{border:1px solid #bbb;border-left:6px solid #D55E00;border-radius:6px;padding:10px 14px;margin:0 0 14px}
.card h3{margin:.1em 0 .3em;overflow-wrap:anywhere}
.card .summary{font-size:1.02em}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));gap:16px}
.charts figure{margin:0;min-width:0}
.charts figcaption{font-size:.9em;color:#333;margin-bottom:2px}
.badge{display:inline-block;font-weight:800;padding:0 .4em;border-radius:4px;white-space:nowrap}
.status{display:inline-block;padding:0 .4em;border-radius:3px;font-weight:600}
a.readout{white-space:nowrap}
"""


# ---------------------------------------------------------------- connection

def _table_names(con) -> set[str]:
    return {r[0] for r in con.execute("select table_name from information_schema.tables "
                                      "where table_schema = current_schema()").fetchall()}


def _table_exists(con, name: str) -> bool:
    return name in _table_names(con)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect_published(folder: Path):
    """An in-memory DuckDB whose views read <folder>/<mart>.parquet for the marts the page needs."""
    con = duckdb.connect(config={"threads": 1})
    for name in REQUIRED_MARTS + OPTIONAL_MARTS:
        path = folder / f"{name}.parquet"
        if not path.is_file():
            if name in OPTIONAL_MARTS:
                print(f"{path} not found: the experiments section says so", file=sys.stderr)
                continue
            raise SystemExit(f"{path} not found: the warehouse is locked and this mart was not published there "
                             "(--publish-dir or SV_PUBLISH_PATH: the folder the build publishes to)")
        literal = "'" + str(path).replace("'", "''") + "'"  # a view cannot take a prepared parameter
        con.execute(f"create view {name} as select * from read_parquet({literal})")
    return con


def connect(database: str, publish_dir: str | None):
    """(connection, description of what it reads): the warehouse read-only, or its published
    Parquet while another process holds the DuckDB file's write lock."""
    if not Path(database).is_file():
        raise SystemExit(f"no DuckDB warehouse at {database}: run `make run`, or pass --duckdb "
                         "(or set SV_DUCKDB_PATH) for another build")
    try:
        return duckdb.connect(database, read_only=True, config={"threads": 1}), f"warehouse {database}"
    except duckdb.IOException as exc:
        if "Could not set lock" not in str(exc):
            raise
    folder = Path(publish_dir) if publish_dir else Path(database).parent
    print(f"{database} is locked by another process (a build?): reading the Parquet files "
          f"the last build published in {folder}/", file=sys.stderr)
    return connect_published(folder), f"published Parquet in {folder}/ ({database} was locked by a build)"


# ---------------------------------------------------------------- data

def load_catalog(con) -> pd.DataFrame:
    """The indicator catalog: the seed table, or the seed file when reading published Parquet."""
    if _table_exists(con, "core_indicator_catalog"):
        catalog = con.execute("select * from core_indicator_catalog").df()
    else:
        catalog = pd.read_csv(CATALOG_SEED)
    for column in ("is_required", "is_anomaly_monitored"):
        catalog[column] = catalog[column].astype(str).str.lower() == "true"
    return catalog.reset_index(drop=True)


def report_day(con, requested: str | None) -> date:
    """The requested day (checked against the marts' days) or the latest day of the anomalies."""
    first, last = con.execute("select min(metric_date), max(metric_date) from fct_indicator_anomalies").fetchall()[0]
    if first is None:
        raise SystemExit("fct_indicator_anomalies is empty: build the warehouse first (make run)")
    if requested is None:
        return last
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", requested):
        raise SystemExit(f"--date {requested!r}: expected YYYY-MM-DD")
    try:
        day = date.fromisoformat(requested)
    except ValueError as exc:
        raise SystemExit(f"--date {requested!r}: {exc}") from None
    if not first <= day <= last:
        raise SystemExit(f"--date {day}: fct_indicator_anomalies has the days {first} to {last}")
    return day


def load_marts(con, day: date) -> dict[str, pd.DataFrame]:
    since = day - timedelta(days=max(TILE_DAYS, CHART_DAYS) - 1)
    frames = {
        "indicators": con.execute("select * from fct_core_indicators where metric_date between ? and ?",
                                  [since, day]).df(),
        "anomalies": con.execute("select * from fct_indicator_anomalies where metric_date between ? and ?",
                                 [since, day]).df(),
        "drivers": con.execute("select * from fct_indicator_change_drivers where metric_date = ?", [day]).df(),
    }
    for frame in frames.values():
        frame["metric_date"] = pd.to_datetime(frame["metric_date"]).dt.date
    return frames


# ---------------------------------------------------------------- headline tiles

def tiles_section(indicators: pd.DataFrame, anomalies: pd.DataFrame, catalog: pd.DataFrame, day: date) -> str:
    overall = indicators[indicators["dimension_name"] == "all"]
    totals = {(r.metric_name, r.metric_date): (r.value, r.is_window_complete) for r in overall.itertuples()}
    flagged_metrics = set(anomalies.loc[anomalies["is_anomaly"] & (anomalies["metric_date"] == day), "metric_name"])
    days = [day - timedelta(days=k) for k in range(TILE_DAYS - 1, -1, -1)]
    out = ["<h2 id='tiles'>Headline indicators</h2>",
           f"<p class='note'>Each required indicator (core_indicator_catalog.is_required) over all users on {day}, "
           "its change against the day before and the same weekday a week before (percentage points for "
           f"rates), and its last {TILE_DAYS} days. A framed tile has an alert today (any slice).</p>"]
    required = catalog[catalog["is_required"]]
    for domain, block in required.groupby("domain", sort=False):
        out.append(f"<h3 class='domain'>{esc(domain)}</h3><div class='tiles'>")
        for r in block.itertuples():
            out.append(tile(r, totals, days, day, r.metric_name in flagged_metrics))
        out.append("</div>")
    return "\n".join(out)


def _value_on(totals: dict, metric: str, day: date, field: int = 0):
    """value (field 0) or is_window_complete (field 1) of the indicator's total on the day."""
    return totals[(metric, day)][field] if (metric, day) in totals else None


def tile(r, totals: dict, days: list[date], day: date, flagged: bool) -> str:
    metric, kind = r.metric_name, r.metric_kind
    value = _value_on(totals, metric, day)
    day_before = _value_on(totals, metric, day - timedelta(days=1))
    week_before = _value_on(totals, metric, day - timedelta(days=7))
    complete = _value_on(totals, metric, day, 1)
    note = " <span class='note'>(window not complete)</span>" if complete is not None and not bool(complete) else ""
    badge = " <span class='flag-badge'>alert</span>" if flagged else ""
    series = [(d, _value_on(totals, metric, d)) for d in days]
    return "\n".join([
        f"<div class='tile{' flagged' if flagged else ''}' data-metric='{esc(metric)}' data-value='{_attr(value)}' "
        f"data-day-before-value='{_attr(day_before)}' data-week-before-value='{_attr(week_before)}'>",
        f"<div class='name' title='{esc(r.definition)}'>{esc(metric)}{badge}</div>",
        f"<div class='value'>{esc(format_value(value, metric, kind))}{note}</div>",
        f"<div class='changes'>day over day <b>{esc(format_change(value, day_before, metric, kind))}</b> · "
        f"week over week <b>{esc(format_change(value, week_before, metric, kind))}</b></div>",
        charts.sparkline_svg(series, f"{metric}, last {TILE_DAYS} days"),
        "</div>"])


def _attr(x) -> str:
    """A number as an exact data attribute (repr of the float); empty when missing."""
    return "" if is_missing(x) else repr(float(x))


# ---------------------------------------------------------------- alerts

def slice_words(dimension_name: str, dimension_value: str) -> str:
    if dimension_name == "all":
        return "overall"
    return f"{'on' if dimension_name == 'platform' else 'in'} {dimension_value}"


def alerts_section(anomalies: pd.DataFrame, drivers: pd.DataFrame, catalog: pd.DataFrame, day: date) -> str:
    flagged = anomalies[anomalies["is_anomaly"] & (anomalies["metric_date"] == day)]
    flagged = flagged.assign(_order=flagged["anomaly_score"].abs()).sort_values(
        ["_order", "metric_name", "dimension_name", "dimension_value"], ascending=[False, True, True, True])
    out = [f"<h2 id='alerts'>Alerts <small>({len(flagged)})</small></h2>"]
    if flagged.empty:
        out.append(f"<p class='no-alerts'>No core indicator was flagged on {day} (fct_indicator_anomalies).</p>")
        return "\n".join(out)
    out.append("<p class='note'>One card per indicator slice flagged on the day, largest score first: its last "
               f"{CHART_DAYS} days (the scored value: winsorised for money indicators) in the expected band of "
               "fct_indicator_anomalies, and the slices that moved the indicator's total most against its "
               "baseline (fct_indicator_change_drivers; ratios split into rate, mix and interaction).</p>")
    by_metric = catalog.set_index("metric_name")
    for a in flagged.itertuples():
        history = anomalies[(anomalies["metric_name"] == a.metric_name) & (anomalies["dimension_name"] == a.dimension_name)
                            & (anomalies["dimension_value"] == a.dimension_value)]
        info = by_metric.loc[a.metric_name] if a.metric_name in by_metric.index else None
        out.append(alert_card(a, history, drivers[drivers["metric_name"] == a.metric_name], info, day))
    return "\n".join(out)


def _series(history: pd.DataFrame, day: date) -> list[dict]:
    rows = history.set_index("metric_date")
    points = []
    for k in range(CHART_DAYS - 1, -1, -1):
        d = day - timedelta(days=k)
        if d in rows.index:
            r = rows.loc[d]
            points.append(dict(day=d, value=r["detection_value"], lower=r["lower_bound"], upper=r["upper_bound"],
                               expected=r["expected_value"], is_anomaly=bool(r["is_anomaly"])))
        else:
            points.append(dict(day=d, value=None, lower=None, upper=None, expected=None, is_anomaly=False))
    return points


def alert_card(a, history: pd.DataFrame, metric_drivers: pd.DataFrame, info, day: date) -> str:
    kind = info["metric_kind"] if info is not None else "count"
    definition = info["definition"] if info is not None else a.metric_name
    dimensions = DRIVER_DIMENSIONS if a.dimension_name == "all" else (a.dimension_name,)
    figures, top_by_dimension = [], {}
    for dimension in dimensions:
        ranked = metric_drivers[metric_drivers["dimension_name"] == dimension].sort_values("driver_rank")
        if ranked.empty:
            continue
        top_by_dimension[dimension] = ranked.iloc[0]
        top = ranked.head(TOP_DRIVERS).to_dict("records")
        total = ranked["total_change"].iloc[0]
        figures.append(
            f"<figure class='drivers' data-dimension-name='{esc(dimension)}' "
            f"data-top-driver='{esc(ranked['dimension_value'].iloc[0])}'><figcaption>Top drivers by {esc(dimension)} "
            f"of the change in the total ({esc(format_delta(total, a.metric_name, kind))} against the baseline)"
            f"</figcaption>{charts.driver_bars_svg(top, a.metric_name, kind, highlight=a.dimension_value)}</figure>")
    if not figures:
        figures.append("<figure class='drivers'><figcaption>No breakdown: this indicator has no country or "
                       "platform slices (fct_indicator_change_drivers).</figcaption></figure>")
    own_top = top_by_dimension.get(a.dimension_name)
    direction = esc(a.anomaly_direction)
    assessment = "" if is_missing(a.change_assessment) else f" ({esc(a.change_assessment)})"
    return "\n".join([
        f"<article class='card' data-metric='{esc(a.metric_name)}' data-dimension-name='{esc(a.dimension_name)}' "
        f"data-dimension-value='{esc(a.dimension_value)}' data-date='{day.isoformat()}' "
        f"data-top-driver='{esc('' if own_top is None else own_top['dimension_value'])}' "
        f"data-anomaly-score='{_attr(a.anomaly_score)}'>",
        f"<h3>{esc(a.metric_name)} · {esc(slice_words(a.dimension_name, a.dimension_value))} · {direction}{assessment}"
        f" <small>score {a.anomaly_score:+.1f}</small></h3>",
        f"<p class='summary'>{esc(summary_line(a, definition, kind, metric_drivers, top_by_dimension))}</p>",
        "<div class='charts'>",
        f"<figure class='series'><figcaption>{esc(definition)} {esc(slice_words(a.dimension_name, a.dimension_value))}"
        f"{' (winsorised revenue, the value scored)' if a.detection_value != a.value else ''}: the line, the expected "
        "band (blue), the flagged day ringed</figcaption>"
        f"{charts.band_chart_svg(_series(history, day), day, a.metric_name, kind)}</figure>",
        *figures,
        "</div></article>"])


def summary_line(a, definition: str, kind: str, metric_drivers: pd.DataFrame, top_by_dimension: dict) -> str:
    """'Daily active users in BR fell 78 % to 16 users against an expected 72 users; BR explains
    97 % of the total change by country (−56 users).'"""
    moved = "rose" if a.detection_value >= a.expected_value else "fell"
    change = abs(a.detection_value / a.expected_value - 1) if a.expected_value else float("nan")
    scored = "" if a.detection_value == a.value else " (winsorised)"
    text = (f"{definition} {slice_words(a.dimension_name, a.dimension_value)} {moved} "
            f"{'n/a' if is_missing(change) else f'{100 * change:.0f} %'} to "
            f"{format_value(a.detection_value, a.metric_name, kind)}{scored} against an expected "
            f"{format_value(a.expected_value, a.metric_name, kind)}")
    if a.dimension_name != "all":
        own = metric_drivers[(metric_drivers["dimension_name"] == a.dimension_name)
                             & (metric_drivers["dimension_value"] == a.dimension_value)]
        if not own.empty:
            r = own.iloc[0]
            total = format_delta(r["total_change"], a.metric_name, kind)
            if not is_missing(r["share_of_total_change"]) and r["share_of_total_change"] > 0:
                text += (f"; {a.dimension_value} explains {_share(r['share_of_total_change'])} of the change in the "
                         f"total by {a.dimension_name} ({total})")
            else:  # the slice moved against the total (other slices grew more): a share would read oddly
                text += (f"; {a.dimension_value} moved the total by "
                         f"{format_delta(r['contribution'], a.metric_name, kind)} while it changed by {total}")
            top = top_by_dimension.get(a.dimension_name)
            if top is not None and top["dimension_value"] != a.dimension_value:
                text += f"; the top driver is {top['dimension_value']}"
        return text + "."
    parts = [f"{top['dimension_value']} by {dimension} ({_share(top['share_of_total_change'])} of the change)"
             for dimension, top in top_by_dimension.items()]
    return text + ("; top drivers: " + ", ".join(parts) if parts else "") + "."


def _share(x) -> str:
    return "n/a" if is_missing(x) else f"{100 * x:.0f} %"


# ---------------------------------------------------------------- experiments

def experiments_section(con, day: date) -> str:
    out = ["<h2 id='experiments'>Experiments</h2>"]
    if not _table_exists(con, "fct_experiment_decisions"):
        out.append("<p class='warn experiments-missing'>fct_experiment_decisions is not in this warehouse "
                   "(or was not published): rebuild with dbt build.</p>")
        return "\n".join(out)
    decisions = con.execute("select * from fct_experiment_decisions where variance_reduction = 'none' "
                            "order by experiment_id, treatment_variant").df()
    if _table_exists(con, "stg_experimentation__experiments"):
        running = con.execute(
            "select experiment_id, experiment_name, started_at, ended_at from stg_experimentation__experiments "
            "where started_at < ? and (ended_at is null or ended_at > ?) order by experiment_id",
            [day + timedelta(days=1), day]).df()
        out.append(f"<p class='note'>Experiments running on {day} (stg_experimentation__experiments: started "
                   "by the end of the day, not ended before it), one row per treatment variant with the "
                   "decision of fct_experiment_decisions (no variance reduction; the readout also shows CUPED).</p>")
    else:
        running = decisions[["experiment_id"]].drop_duplicates().assign(experiment_name=None, started_at=None,
                                                                          ended_at=None)
        out.append("<p class='note'>The experiment dates are not published (stg_experimentation__experiments): "
                   "every experiment with a decision is listed.</p>")
    if running.empty:
        out.append(f"<p>No experiment was running on {day}.</p>")
        return "\n".join(out)
    out.append("<table class='experiments text'><thead><tr><th>experiment</th><th>dates</th><th>treatment</th>"
               "<th>decision</th><th>SRM</th><th>guardrails failed</th><th>readout</th></tr></thead><tbody>")
    for e in running.itertuples():
        rows = decisions[decisions["experiment_id"] == e.experiment_id]
        dates = "" if is_missing(e.started_at) else (
            f"{pd.Timestamp(e.started_at).date()} to "
            f"{'open' if is_missing(e.ended_at) else pd.Timestamp(e.ended_at).date()}")
        name = f"{esc(e.experiment_id)}<br><small>{esc(e.experiment_name)}</small>"
        link = f"<a class='readout' href='{esc(readout_file_name(e.experiment_id))}'>{esc(readout_file_name(e.experiment_id))}</a>"
        if rows.empty:
            out.append(f"<tr data-experiment='{esc(e.experiment_id)}'><td>{name}</td><td>{esc(dates)}</td>"
                       f"<td>–</td><td>no decision yet</td><td>–</td><td>–</td><td>{link}</td></tr>")
            continue
        for d in rows.itertuples():
            out.append(experiment_row(d, name, dates, link))
    out.append("</tbody></table>")
    out.append("<p class='note'>Each readout link names the file the readout command writes next to this page: "
               "<code>.venv/bin/python analyses/render_experiment_readout.py --experiment &lt;id&gt; "
               "--out reports/&lt;id&gt;.html</code> (this page's default folder is reports/ too).</p>")
    return "\n".join(out)


def readout_file_name(experiment_id: str) -> str:
    """The readout's file, relative to this page: <experiment_id>.html in the same folder."""
    return f"{experiment_id}.html"


def experiment_row(d, name: str, dates: str, link: str) -> str:
    symbol, word, background, colour = DECISION_WORDS.get(d.decision, ("•", str(d.decision).upper(), "#ddd", "#000"))
    srm = bool(d.has_srm) if not is_missing(d.has_srm) else False
    srm_text = ("<span class='warn'>⚠ mismatch</span>" if srm else "ok") + (
        "" if is_missing(d.srm_p_value) else f" <small>(p = {d.srm_p_value:.2g})</small>")
    failed = 0 if is_missing(d.guardrails_failed) else int(d.guardrails_failed)
    guardrails = "–" if is_missing(d.guardrails) else f"{failed} of {int(d.guardrails)}"
    if failed:
        guardrails = f"<span class='warn'>⚠ {guardrails}</span>"
    return (f"<tr data-experiment='{esc(d.experiment_id)}' data-variant='{esc(d.treatment_variant)}' "
            f"data-decision='{esc(d.decision)}' data-srm='{str(srm).lower()}' data-guardrails-failed='{failed}'>"
            f"<td>{name}</td><td>{esc(dates)}</td><td>{esc(d.treatment_variant)}</td>"
            f"<td><span class='badge' style='background:{background};color:{colour}'>{symbol} {word}</span></td>"
            f"<td>{srm_text}</td><td>{guardrails}</td><td>{link}</td></tr>")


# ---------------------------------------------------------------- data health

def data_health_section(con, day: date) -> str:
    out = ["<h2 id='data-health'>Data health</h2>"]
    if not _table_exists(con, "stg_app__events"):
        out.append("<p class='warn health-missing'>Not available: the staging tables are not in what this page "
                   "reads (the published Parquet holds the public marts only). Render from the DuckDB file.</p>")
        return "\n".join(out)
    out.append(rejected_rows_table(con, day))
    out.append(late_rows_table(con, day))
    out.append(freshness_table(con, day))
    return "\n".join(out)


def rejected_rows_table(con, day: date) -> str:
    """Raw rows landed on the day that staging rejected: quarantined (a rule broken) or duplicates."""
    out = ["<h3>Rows rejected by staging, landed on the day</h3>"]
    tables = sorted(t for t in _table_names(con) if re.fullmatch(r"stg_[a-z_]+__rejected_rows", t))
    if not tables:
        return out[0] + ("<p class='warn rejected-missing'>Not available: no stg_&lt;system&gt;__rejected_rows "
                         "table in this warehouse (built with a selection that left staging's rejected rows out).</p>")
    # one query over every system's table (the names come from the catalog, not from input)
    union = " union all ".join(
        f"select {_literal(t[len('stg_'):-len('__rejected_rows')])} as system, reason_category, rejection_kind, _loaded_at "
        f"from {_quoted(t)}" for t in tables)
    rows = con.execute(f"select system, reason_category, rejection_kind, count(*) from ({union}) "
                       "where _loaded_at >= ? and _loaded_at < ? group by all order by 1, 4 desc, 2",
                       [day, day + timedelta(days=1)]).fetchall()
    if not rows:
        return out[0] + f"<p class='rejected-none'>No raw row landed on {day} was rejected.</p>"
    out.append("<table class='rejected text'><thead><tr><th>system</th><th>reason</th><th>kind</th><th class='num'>rows</th>"
               "</tr></thead><tbody>")
    for system, reason, kind, count in rows:
        out.append(f"<tr data-system='{esc(system)}' data-reason='{esc(reason)}' data-rows='{count}'>"
                   f"<td>{esc(system)}</td><td>{esc(reason)}</td><td>{esc(kind)}</td><td class='num'>{count:,}</td></tr>")
    out.append("</tbody></table><p class='note'>Reasons: docs/cleaning_rules.md; each row with its raw values "
               "is in stg_&lt;system&gt;__rejected_rows.</p>")
    return "\n".join(out)


def late_rows_table(con, day: date) -> str:
    """Rows of the event tables that landed on the day for an earlier event day."""
    out = ["<h3>Late rows picked up</h3>",
           "<table class='late text'><thead><tr><th>table</th><th class='num'>rows landed</th><th class='num'>late rows</th>"
           "<th>oldest event day</th></tr></thead><tbody>"]
    present = _table_names(con)
    tables = [(t, c) for t, c in LATE_EVENT_COLUMNS.items() if t in present]
    found = len(tables)
    union = " union all ".join(f"select {_literal(t)} as table_name, {_quoted(c)} as event_at, _loaded_at from {_quoted(t)}"
                               for t, c in tables)
    rows = con.execute(
        f"select table_name, count(*), count(*) filter (where event_at < ?), "
        f"cast(min(event_at) filter (where event_at < ?) as date) from ({union}) "
        "where _loaded_at >= ? and _loaded_at < ? group by table_name",
        [day, day, day, day + timedelta(days=1)]).fetchall() if tables else []
    counts = {r[0]: r[1:] for r in rows}
    for table, _ in tables:
        landed, late, oldest = counts.get(table, (0, 0, None))
        out.append(f"<tr data-table='{esc(table)}' data-late-rows='{late}'><td>{esc(table)}</td><td class='num'>{landed:,}</td>"
                   f"<td class='num'>{late:,}</td><td>{esc(oldest or '–')}</td></tr>")
    out.append("</tbody></table><p class='note'>A late row landed on the day with an event time before it; the "
               "nightly build's lookback window re-aggregates its day (docs/incremental.md).</p>")
    return "\n".join(out) if found else out[0] + "<p class='warn'>Not available: no event table staged.</p>"


def freshness_rules() -> dict[str, tuple[float | None, float | None]]:
    """stg_<source>__<table> -> (warn, error) hours, from the sources' YAML (table overrides source)."""
    hours = {"hour": 1, "day": 24}

    def limits(config: dict, inherited):
        config = config or {}
        if "freshness" not in config:
            return inherited
        freshness = config["freshness"]
        if freshness is None:  # freshness: null switches the check off
            return (None, None)
        return tuple(None if freshness.get(k) is None else freshness[k]["count"] * hours[freshness[k]["period"]]
                     for k in ("warn_after", "error_after"))

    rules = {}
    for path in SOURCES_YAML:
        for source in yaml.safe_load(path.read_text(encoding="utf-8")).get("sources", []):
            source_limits = limits(source.get("config"), (None, None))
            for table in source.get("tables", []):
                rules[f"stg_{source['name']}__{table['name']}"] = limits(table.get("config"), source_limits)
    return rules


def freshness_table(con, day: date) -> str:
    """The newest landing of each staged table by the end of the day, against the sources' thresholds:
    dbt source freshness as of that day, on the rows staging kept."""
    end = datetime.combine(day + timedelta(days=1), datetime.min.time())
    rules = {t: limits for t, limits in freshness_rules().items() if t in _table_names(con)}
    union = " union all ".join(f"select {_literal(t)} as table_name, max(_loaded_at) as newest from {_quoted(t)} "
                               "where _loaded_at < $end" for t in rules)
    newest_of = dict(con.execute(union, {"end": end}).fetchall()) if rules else {}
    rows = []
    for table, (warn, error) in sorted(rules.items()):
        newest = newest_of.get(table)
        age = None if newest is None else (end - newest).total_seconds() / 3600
        status = ("n/a" if age is None or warn is None else
                  "error" if error is not None and age > error else "warn" if age > warn else "ok")
        rows.append((table, newest, age, warn, error, status))
    order = {"error": 0, "warn": 1, "n/a": 2, "ok": 3}
    rows.sort(key=lambda r: (order[r[5]], r[0]))
    counts = {s: sum(r[5] == s for r in rows) for s in order}
    unknown = f", {counts['n/a']} without a rule or a row" if counts["n/a"] else ""
    out = ["<h3>Source freshness at the end of the day</h3>",
           f"<p class='freshness-summary'>{counts['ok']} tables fresh, {counts['warn']} warn, {counts['error']} "
           f"error{unknown}.</p>",
           "<table class='freshness text'><thead><tr><th>staged table</th><th>newest landing (UTC)</th>"
           "<th class='num'>hours before the end of the day</th><th>warn / error after (hours)</th><th>status</th>"
           "</tr></thead><tbody>"]
    for table, newest, age, warn, error, status in rows:
        limits = f"{'–' if warn is None else f'{warn:g}'} / {'–' if error is None else f'{error:g}'}"
        out.append(f"<tr data-table='{esc(table)}' data-status='{status}'><td>{esc(table)}</td>"
                   f"<td>{esc('–' if newest is None else newest.strftime('%Y-%m-%d %H:%M'))}</td>"
                   f"<td class='num'>{'–' if age is None else f'{age:.1f} h'}</td><td>{limits}</td>"
                   f"<td><span class='status' style='background:{STATUS_STYLE[status]}'>{status}</span></td></tr>")
    out.append("</tbody></table><p class='note'>The thresholds of the sources' YAML (models/staging/*/"
               "_*__sources.yml), applied to the newest landing each staged table holds up to midnight after "
               "the day: `dbt source freshness` answers the same question for now, on the raw files.</p>")
    return "\n".join(out)


# ---------------------------------------------------------------- page

def render(con, day: date, source: str = "") -> str:
    catalog = load_catalog(con)
    marts = load_marts(con, day)
    flagged = int((marts["anomalies"]["is_anomaly"] & (marts["anomalies"]["metric_date"] == day)).sum())
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Morning report {day}</title><style>{PAGE_CSS}</style></head><body>",
        f"<h1 data-report-date='{day.isoformat()}'>Morning report: {day.strftime('%A')} {day}</h1>",
        f"<p class='lead'>{flagged} alert{'' if flagged == 1 else 's'} on core indicators · "
        "<a href='#tiles'>headline indicators</a> · <a href='#alerts'>alerts</a> · "
        "<a href='#experiments'>experiments</a> · <a href='#data-health'>data health</a></p>",
        f"<p class='note'>Read from {esc(source or 'the warehouse')}. Days are UTC. docs/morning_report.md "
        "describes every section.</p>",
        tiles_section(marts["indicators"], marts["anomalies"], catalog, day),
        alerts_section(marts["anomalies"], marts["drivers"], catalog, day),
        experiments_section(con, day),
        data_health_section(con, day),
        "</body></html>",
    ]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--date", help="the day to report, YYYY-MM-DD (default: the latest day of the marts)")
    ap.add_argument("--out", help="HTML file to write (default reports/morning_report_<date>.html)")
    ap.add_argument("--duckdb", "--database", dest="duckdb",
                    default=os.environ.get("SV_DUCKDB_PATH") or "data/warehouse.duckdb")
    ap.add_argument("--publish-dir", default=os.environ.get("SV_PUBLISH_PATH") or None,
                    help="where the build published the marts as Parquet (default: the DuckDB file's folder)")
    args = ap.parse_args(argv)
    started = time.monotonic()
    con, source = connect(args.duckdb, args.publish_dir)
    try:
        day = report_day(con, args.date or None)
        page = render(con, day, source)
    finally:
        con.close()
    out = Path(args.out or f"reports/morning_report_{day.isoformat()}.html")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    print(f"{out} ({day}, rendered in {time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()
