"""The morning report (analyses/render_morning_report.py, docs/morning_report.md).

On the default preset (conftest's default_dataset, built once per run): the pages of the
injected-anomaly days have a card for every injected anomaly of truth/anomalies.csv, exactly one
card per slice fct_indicator_anomalies flags, each injected card's top driver is the injected
slice, the pages of days without a flag have no card, the tiles carry fct_core_indicators'
numbers, and headless Chromium draws the page (not blank, marks in every card's charts, no
horizontal overflow at 1280 px). On the small warehouse: data health and experiments against the
tables they summarise, the published-Parquet fallback, and a bad date.
"""
from __future__ import annotations

import html
import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import zlib
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import SANDBOX_DUCKDB

REPO = Path(__file__).resolve().parents[1]
RENDERER = REPO / "analyses" / "render_morning_report.py"
VIEWPORT_PX = 1280
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-headless-shell")


def load_renderer():
    spec = importlib.util.spec_from_file_location("render_morning_report", RENDERER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


report = load_renderer()

CARD = re.compile(r"<article class='card' data-metric='([^']*)' data-dimension-name='([^']*)' "
                  r"data-dimension-value='([^']*)' data-date='([^']*)' data-top-driver='([^']*)'")
TILE = re.compile(r"<div class='tile[^']*' data-metric='([^']*)' data-value='([^']*)' "
                  r"data-day-before-value='([^']*)' data-week-before-value='([^']*)'>\n"
                  r"<div class='name'[^>]*>.*?</div>\n<div class='value'>(.*?)(?: <span|</div>)")


def cards_of(page: str) -> list[tuple[str, str, str, str, str]]:
    return [tuple(html.unescape(g) for g in m.groups()) for m in CARD.finditer(page)]


def flagged_slices(anomalies: pd.DataFrame, day: date) -> list[tuple[str, str, str]]:
    rows = anomalies[anomalies["is_anomaly"] & (anomalies["metric_date"] == day)]
    return sorted(zip(rows["metric_name"], rows["dimension_name"], rows["dimension_value"]))


def render_day(con, day: date) -> tuple[str, float]:
    started = time.monotonic()
    page = report.render(con, day, "test")
    return page, time.monotonic() - started


# ---------------------------------------------------------------- the default preset

@pytest.fixture(scope="module")
def default_pages(default_dataset):
    """Pages of every injected-anomaly day and of the two latest days without any flag:
    (truth, anomalies, indicators, {day: page}, no-flag days, connection)."""
    truth = pd.read_csv(default_dataset / "truth" / "anomalies.csv")
    truth["metric_date"] = pd.to_datetime(truth["anomaly_date"]).dt.date
    assert "d1_retention" not in set(truth["metric_name"])  # dated by signup day in the marts: not handled here
    con = duckdb.connect(str(default_dataset / SANDBOX_DUCKDB), read_only=True)
    anomalies = con.execute("select * from fct_indicator_anomalies").df()
    anomalies["metric_date"] = pd.to_datetime(anomalies["metric_date"]).dt.date
    indicators = con.execute("select * from fct_core_indicators").df()
    indicators["metric_date"] = pd.to_datetime(indicators["metric_date"]).dt.date
    scored = anomalies[anomalies["anomaly_direction"] != "not_scored"]
    flag_days = set(anomalies.loc[anomalies["is_anomaly"], "metric_date"])
    quiet_days = sorted(set(scored["metric_date"]) - flag_days)[-2:]
    assert quiet_days, "every scored day of the default dataset has a flag"
    pages, seconds = {}, []
    for day in sorted(set(truth["metric_date"])) + quiet_days:
        pages[day], took = render_day(con, day)
        seconds.append(took)
    print(f"morning report on the default dataset: {len(pages)} pages, render {min(seconds):.2f}-"
          f"{max(seconds):.2f} s each (median {sorted(seconds)[len(seconds) // 2]:.2f} s)")
    yield truth, anomalies, indicators, pages, quiet_days, con
    con.close()


def test_default_report_has_one_card_per_flag_and_one_for_every_injected_anomaly(default_pages):
    truth, anomalies, _, pages, quiet_days, _ = default_pages
    for day, page in pages.items():
        cards = cards_of(page)
        assert all(c[3] == day.isoformat() for c in cards)
        assert sorted(c[:3] for c in cards) == flagged_slices(anomalies, day), day
    for r in truth.itertuples():
        slices = [c[:3] for c in cards_of(pages[r.metric_date])]
        assert (r.metric_name, r.dimension_name, r.dimension_value) in slices, r
    for day in quiet_days:
        assert cards_of(pages[day]) == [] and "class='no-alerts'" in pages[day]


def test_default_report_cards_have_the_injected_slice_as_top_driver(default_pages):
    truth, _, _, pages, _, con = default_pages
    for r in truth.itertuples():
        page = pages[r.metric_date]
        (card,) = [c for c in cards_of(page) if c[:3] == (r.metric_name, r.dimension_name, r.dimension_value)]
        assert card[4] == r.dimension_value, (r, card)
        # the chart's first bar is that slice, and the mart ranks it first
        start = page.index(f"<article class='card' data-metric='{r.metric_name}' "
                           f"data-dimension-name='{r.dimension_name}' data-dimension-value='{r.dimension_value}'")
        block = page[start:page.index("</article>", start)]
        assert re.search(r"class='drivers' data-dimension-name='([^']*)' data-top-driver='([^']*)'",
                         block).groups() == (r.dimension_name, r.dimension_value)
        first_bar = re.search(r'class="bar mark" data-dimension-value="([^"]*)"', block).group(1)
        assert first_bar == r.dimension_value
        top = con.execute("select dimension_value from fct_indicator_change_drivers where metric_date = ? and "
                          "metric_name = ? and dimension_name = ? and driver_rank = 1",
                          [r.metric_date, r.metric_name, r.dimension_name]).fetchall()
        assert top == [(r.dimension_value,)]
        # the summary line gives the slice's part of the change in the total
        assert f"; {r.dimension_value} explains " in block or f"; {r.dimension_value} moved the total by " in block


def test_default_report_tiles_print_the_numbers_of_fct_core_indicators(default_pages):
    _, _, indicators, pages, _, _ = default_pages
    catalog = report.load_catalog(default_pages[5])
    required = list(catalog.loc[catalog["is_required"], "metric_name"])
    totals = indicators[indicators["dimension_name"] == "all"].set_index(["metric_name", "metric_date"])["value"]
    kinds = catalog.set_index("metric_name")["metric_kind"]

    def mart(metric, day):
        value = totals.get((metric, day))
        return None if value is None or pd.isna(value) else float(value)

    for day, page in pages.items():
        tiles = TILE.findall(page)
        assert [t[0] for t in tiles] == required
        for metric, value, day_before, week_before, printed in tiles:
            for attribute, on in ((value, day), (day_before, day - timedelta(days=1)),
                                  (week_before, day - timedelta(days=7))):
                assert (float(attribute) if attribute else None) == mart(metric, on), (metric, on)
            assert html.unescape(printed) == report.format_value(mart(metric, day), metric, kinds[metric])


def png_distinct_bytes(png: bytes) -> int:
    """Distinct byte values of the PNG's decompressed (filtered) scanlines: a blank page has a
    handful (white, the filter bytes, zero deltas), a drawn page nearly all 256."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    data, at = b"", 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        if kind == b"IDAT":
            data += png[at + 8:at + 8 + length]
        at += 12 + length
    return len(set(zlib.decompress(data)))


PROBE = """<script>
window.addEventListener('load', () => {
  // a line may be flat (one side of its box zero); a bar, dot or band needs an area
  const drawn = svg => [...svg.querySelectorAll('.mark')].filter(m => {
    const box = m.getBBox();
    return m.tagName === 'polyline' ? box.width > 0 || box.height > 0 : box.width > 0 && box.height > 0;
  }).length;
  for (const card of document.querySelectorAll('article.card')) {
    card.setAttribute('data-drawn-marks', [...card.querySelectorAll('figure svg')].map(drawn).join(' '));
  }
  document.body.setAttribute('data-widths', document.documentElement.scrollWidth + ' ' +
                             document.documentElement.clientWidth);
});
</script></body>"""


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package: chromium)")
def test_default_report_in_chromium_is_drawn_within_1280_px(default_pages, tmp_path):
    truth, _, _, pages, _, _ = default_pages
    day = max(truth["metric_date"], key=lambda d: len(cards_of(pages[d])))  # the page with most cards
    page = pages[day]
    html_file = tmp_path / "report.html"
    html_file.write_text(page.replace("</body>", PROBE), encoding="utf-8")
    common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
              f"--window-size={VIEWPORT_PX},1600"]
    shot = subprocess.run([*common, f"--screenshot={tmp_path / 'report.png'}", html_file.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert (tmp_path / "report.png").is_file(), shot.stderr[-2000:]
    assert png_distinct_bytes((tmp_path / "report.png").read_bytes()) > 64
    dom = subprocess.run([*common, "--dump-dom", html_file.as_uri()], capture_output=True, text=True, timeout=120)
    widths = re.search(r'data-widths="(\d+) (\d+)"', dom.stdout)
    assert widths, dom.stderr[-2000:]
    scroll_width, client_width = map(int, widths.groups())
    assert scroll_width <= client_width <= VIEWPORT_PX
    drawn = re.findall(r'<article class="card"[^>]*data-drawn-marks="([^"]*)"', dom.stdout)
    assert len(drawn) == len(cards_of(page)) >= 1
    for marks in drawn:
        counts = [int(n) for n in marks.split()]
        assert counts and min(counts) > 0, marks  # the series chart and every driver chart
    assert max(len(m.split()) for m in drawn) >= 2  # driver charts were among them


# ---------------------------------------------------------------- the small warehouse

SMALL_DAY = date(2026, 9, 2)  # fill_rate in MX injected (test_core_anomalies finds it on the small data too)


@pytest.fixture(scope="module")
def small_page(warehouse) -> str:
    return report.render(warehouse, SMALL_DAY, "test")


def test_data_health_counts_the_rejected_and_late_rows_landed_on_the_day(warehouse, small_page):
    printed = {(s, r): int(n) for s, r, n in
               re.findall(r"<tr data-system='([^']*)' data-reason='([^']*)' data-rows='(\d+)'>", small_page)}
    expected = {}
    for (table,) in warehouse.execute("select table_name from information_schema.tables "
                                      "where table_name like '%rejected_rows'").fetchall():
        rows = warehouse.execute(f"select reason_category, _loaded_at from {table}").df()
        on_day = rows[pd.to_datetime(rows["_loaded_at"]).dt.date == SMALL_DAY]
        for reason, n in on_day.groupby("reason_category").size().items():
            expected[(table[4:-len("__rejected_rows")], reason)] = n
    assert printed == expected and sum(printed.values()) > 0
    late_printed = {t: int(n) for t, n in re.findall(r"<tr data-table='([^']*)' data-late-rows='(\d+)'>", small_page)}
    assert set(late_printed) == set(report.LATE_EVENT_COLUMNS)
    for table, event_column in report.LATE_EVENT_COLUMNS.items():
        rows = warehouse.execute(f"select {event_column} as event_at, _loaded_at from {table}").df()
        landed = pd.to_datetime(rows["_loaded_at"]).dt.date == SMALL_DAY
        assert late_printed[table] == (landed & (pd.to_datetime(rows["event_at"]).dt.date < SMALL_DAY)).sum(), table
    assert late_printed["stg_app__events"] > 0


def test_freshness_applies_the_sources_thresholds_at_the_end_of_the_day(warehouse, small_page):
    """Every staged table's status from its newest landing before midnight after the day and the
    thresholds of its source YAML, read here with PyYAML on its own."""
    import yaml

    printed = dict(re.findall(r"<tr data-table='([^']*)' data-status='([a-z/]+)'>", small_page))
    end = pd.Timestamp(SMALL_DAY + timedelta(days=1))
    expected = {}
    for path in sorted((REPO / "models" / "staging").glob("*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                rule = table.get("config", {}).get("freshness") or source["config"]["freshness"]
                warn, error = (rule[k]["count"] * {"hour": 1, "day": 24}[rule[k]["period"]]
                               for k in ("warn_after", "error_after"))
                name = f"stg_{source['name']}__{table['name']}"
                newest = warehouse.execute(f"select max(_loaded_at) from {name} where _loaded_at < ?",
                                           [end.to_pydatetime()]).fetchall()[0][0]
                hours = (end - pd.Timestamp(newest)).total_seconds() / 3600
                expected[name] = "error" if hours > error else "warn" if hours > warn else "ok"
    assert printed == expected
    assert report.freshness_rules()["stg_ads__advertisers"] == (31 * 24, 93 * 24)  # a table's own rule
    assert {"ok", "warn"} <= set(printed.values())


def test_experiments_list_the_running_ones_with_decision_srm_and_readout_link(warehouse, small_page):
    running = {r[0] for r in warehouse.execute(
        "select experiment_id from stg_experimentation__experiments where started_at < ? and "
        "(ended_at is null or ended_at > ?)", [SMALL_DAY + timedelta(days=1), SMALL_DAY]).fetchall()}
    rows = re.findall(r"<tr data-experiment='([^']*)' data-variant='([^']*)' data-decision='([^']*)' "
                      r"data-srm='(true|false)' data-guardrails-failed='(\d+)'>(.*?)</tr>", small_page)
    assert {r[0] for r in rows} == running and running
    decisions = warehouse.execute("select experiment_id, treatment_variant, decision, has_srm, guardrails_failed "
                                  "from fct_experiment_decisions where variance_reduction = 'none'").df()
    for experiment, variant, decision, srm, failed, cells in rows:
        d = decisions[(decisions["experiment_id"] == experiment) & (decisions["treatment_variant"] == variant)]
        assert len(d) == 1
        assert (decision, srm == "true", int(failed)) == (d["decision"].iloc[0], bool(d["has_srm"].iloc[0]),
                                                         int(d["guardrails_failed"].iloc[0]))
        assert f"href='{experiment}.html'" in cells
        assert ("⚠ mismatch" in cells) == (srm == "true")
    assert any(r[3] == "true" for r in rows)  # the small dataset's SRM experiment is flagged


def test_a_locked_warehouse_renders_from_the_published_parquet(warehouse_path, small_page, tmp_path):
    publish = Path(os.environ.get("SV_PUBLISH_PATH") or Path(warehouse_path).parent)
    locked = tmp_path / "locked.duckdb"
    shutil.copy(warehouse_path, locked)
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(locked)!r}); print('ready', flush=True); "
                               "time.sleep(120)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = subprocess.run([sys.executable, str(RENDERER), "--date", SMALL_DAY.isoformat(), "--duckdb", str(locked),
                                 "--publish-dir", str(publish), "--out", str(tmp_path / "report.html")],
                                cwd=tmp_path, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 0, result.stderr[-2000:]
    assert "is locked by another process" in result.stderr
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert cards_of(page) == cards_of(small_page) and cards_of(page)
    assert TILE.findall(page) == TILE.findall(small_page)
    assert "class='warn health-missing'" in page  # staging is not published: said, not invented
    assert "The experiment dates are not published" in page


def test_a_bad_or_missing_date_stops_with_a_message(warehouse_path, tmp_path):
    for given, message in (("2026-9-2", "expected YYYY-MM-DD"), ("2026-02-30", "day is out of range"),
                           ("2030-01-01", "fct_indicator_anomalies has the days")):
        result = subprocess.run([sys.executable, str(RENDERER), "--date", given, "--duckdb", str(warehouse_path),
                                 "--out", str(tmp_path / "report.html")], capture_output=True, text=True)
        assert result.returncode != 0 and message in result.stderr, (given, result.stderr[-500:])
        assert not (tmp_path / "report.html").exists()
