"""The experiment readout page (analyses/render_experiment_readout.py), rendered from a
small DuckDB file of synthetic marts shaped like contracts/public_marts.md section 5, so
it does not depend on a build: the decision comes first, then primary metrics,
guardrails and secondary metrics; guardrail margins sit at the right place; the alpha
used is stated; rows too small for a test say so; the page fits a 1280-px viewport."""
from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import duckdb
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
RENDERER = REPO / "analyses" / "render_experiment_readout.py"
EXPERIMENT = "exp_synthetic"
SVG = "{http://www.w3.org/2000/svg}"
VIEWPORT_PX = 1280
SCROLLBAR_PX = 15


def load_renderer():
    spec = importlib.util.spec_from_file_location("render_experiment_readout", RENDERER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


renderer = load_renderer()


def result_row(metric, role, variant, effect, *, reduction="none", direction="increase", margin=None,
               units=(5000, 5000), significant=False, segment=("all", "all"), chance_to_win=0.6):
    """One fct_experiment_results row with an interval of +-2 points around effect and an
    always-valid one of +-3 points, or none when a unit count is under 100
    (is_sample_sufficient false: every test column null)."""
    sufficient = min(units) >= 100
    ci = (effect - 0.02, effect + 0.02) if sufficient else (None, None)
    sequential = (effect - 0.03, effect + 0.03) if sufficient else (None, None)
    return dict(
        experiment_id=EXPERIMENT, metric_name=metric, segment_name=segment[0], segment_value=segment[1],
        control_variant="A", treatment_variant=variant, control_units=units[0], treatment_units=units[1],
        control_mean=10.0, treatment_mean=10.0 * (1 + effect), absolute_effect=10.0 * effect,
        absolute_ci_lower=None if ci[0] is None else 10.0 * ci[0], absolute_ci_upper=None if ci[1] is None else 10.0 * ci[1],
        relative_effect=effect if sufficient else None, relative_ci_lower=ci[0], relative_ci_upper=ci[1],
        p_value=0.01 if significant else (0.4 if sufficient else None),
        p_value_adjusted=0.02 if significant else (0.5 if sufficient else None),
        is_significant=significant if sufficient else None, variance_reduction=reduction,
        method="welch_z", alpha=0.05, metric_role=role, preferred_direction=direction,
        is_sample_sufficient=sufficient, non_inferiority_margin=margin,
        p_value_non_inferiority=(0.001 if sufficient else None) if margin is not None else None,
        is_non_inferior=(sufficient or None) if margin is not None else None,
        mde_relative=0.015 if sufficient else None, pre_period_p_value=0.6 if sufficient else None,
        p_value_sequential=(0.004 if significant else 0.9) if sufficient else None,
        relative_sequential_ci_lower=sequential[0], relative_sequential_ci_upper=sequential[1],
        chance_to_win=chance_to_win if sufficient else None, expected_loss=0.0012 if sufficient else None,
        winsorize_cap=None,
    )


DAYS = pd.date_range("2026-09-01", periods=14, freq="D").date
# Days whose mart rows lack a test (too few units yet): the chart has no mark for them.
DAYS_WITHOUT_TEST = 2


def daily_rows(result: dict) -> list[dict]:
    """fct_experiment_results_daily for one result row: an effect drifting towards the final one,
    fixed half-widths shrinking like 1/sqrt(day) to the final +-2 points, always-valid ones wider
    (very wide on the first tested day, which the chart clips), the last day equal to the result."""
    rows = []
    for i, day in enumerate(DAYS):
        k = len(DAYS) - 1 - i  # days before the last
        has_test = i >= DAYS_WITHOUT_TEST
        effect = result["relative_effect"] + 0.003 * k * (-1) ** k
        fixed = 0.02 * (len(DAYS) / (i + 1)) ** 0.5
        sequential = 0.8 if i == DAYS_WITHOUT_TEST else 1.5 * fixed * (1 + 0.01 * k)
        rows.append(dict(
            experiment_id=EXPERIMENT, metric_name=result["metric_name"], control_variant="A",
            treatment_variant=result["treatment_variant"], analysis_date=day,
            control_units=400 * (i + 1), treatment_units=400 * (i + 1), control_mean=10.0,
            treatment_mean=10.0 * (1 + effect), absolute_effect=10.0 * effect,
            absolute_ci_lower=10.0 * (effect - fixed) if has_test else None,
            absolute_ci_upper=10.0 * (effect + fixed) if has_test else None,
            relative_effect=effect, relative_ci_lower=effect - fixed if has_test else None,
            relative_ci_upper=effect + fixed if has_test else None, p_value=0.3 if has_test else None,
            sequential_ci_lower=10.0 * (effect - sequential) if has_test else None,
            sequential_ci_upper=10.0 * (effect + sequential) if has_test else None,
            relative_sequential_ci_lower=effect - sequential if has_test else None,
            relative_sequential_ci_upper=effect + sequential if has_test else None,
            p_value_sequential=0.9 if has_test else None, is_sample_sufficient=has_test, standard_error=0.1,
            metric_kind="mean", metric_role="primary", preferred_direction="increase", alpha=0.05))
    last = rows[-1]  # the final result exactly, as the mart's last day is
    for column in ("relative_effect", "relative_ci_lower", "relative_ci_upper",
                   "relative_sequential_ci_lower", "relative_sequential_ci_upper"):
        last[column] = result[column]
    return rows


def synthetic_marts() -> dict[str, pd.DataFrame]:
    """Control A, treatments B and C: one primary metric (2 comparisons, so alpha 0.025),
    a guardrail of each direction, two secondary metrics, one of them too small to test."""
    results = []
    for reduction in ("none", "cuped"):
        results += [result_row("watch_seconds_per_user", "primary", "B", 0.04, reduction=reduction, significant=True,
                               chance_to_win=0.9987),
                    result_row("watch_seconds_per_user", "primary", "C", -0.05, reduction=reduction, significant=True,
                               chance_to_win=0.0002)]
    results += [
        # a second primary metric without a change; C has no daily rows
        result_row("sessions_per_user", "primary", "B", 0.004, chance_to_win=0.62),
        result_row("sessions_per_user", "primary", "C", -0.0123, chance_to_win=0.21),
        result_row("app_opens_per_user", "guardrail", "B", 0.01, direction="increase", margin=0.02),
        result_row("app_opens_per_user", "guardrail", "C", 0.00, direction="increase", margin=0.02),
        result_row("crash_rate", "guardrail", "B", -0.01, direction="decrease", margin=0.03),
        result_row("crash_rate", "guardrail", "C", 0.02, direction="decrease", margin=0.03),
        result_row("likes_per_user", "secondary", "B", 0.02),
        result_row("likes_per_user", "secondary", "C", 0.01),
        result_row("gold_accuracy", "secondary", "B", 0.0, units=(40, 37)),
        result_row("likes_per_user", "secondary", "B", 0.03, segment=("country", "DE")),
    ]
    health = pd.DataFrame([
        dict(experiment_id=EXPERIMENT, variant=v, expected_share=1 / 3, assigned_units=5100, exposed_units=5000,
             units_in_multiple_variants=3, srm_p_value=0.41, has_srm=False, is_configured_variant=True,
             exposures_outside_window=12) for v in ("A", "B", "C")])
    common = dict(experiment_id=EXPERIMENT, decision_basis="fixed_horizon", has_srm=False,
                  has_pre_period_imbalance=False, share_exposures_outside_window=0.0008,
                  alpha_primary=0.025, alpha=0.05)
    # listed cuped first and C before B: the page must order them itself
    decisions = pd.DataFrame([
        dict(common, treatment_variant="C", variance_reduction="none", decision="do_not_ship",
             decision_reasons="primary metric watch_seconds_per_user harmed; guardrail crash_rate not shown non-inferior",
             primary_metrics_improved=0, primary_metrics_harmed=1, guardrails_failed=1),
        dict(common, treatment_variant="B", variance_reduction="cuped", decision="ship",
             decision_reasons="primary metric watch_seconds_per_user improved; all guardrails non-inferior",
             primary_metrics_improved=1, primary_metrics_harmed=0, guardrails_failed=0),
        dict(common, treatment_variant="B", variance_reduction="none", decision="ship",
             decision_reasons="primary metric watch_seconds_per_user improved; all guardrails non-inferior",
             primary_metrics_improved=1, primary_metrics_harmed=0, guardrails_failed=0),
    ])
    daily = [row for r in results if r["metric_role"] == "primary" and r["variance_reduction"] == "none"
             and (r["metric_name"], r["treatment_variant"]) != ("sessions_per_user", "C") for row in daily_rows(r)]
    return {"fct_experiment_results": pd.DataFrame(results), "fct_experiment_health": health,
            "fct_experiment_decisions": decisions, "fct_experiment_results_daily": pd.DataFrame(daily)}


def write_warehouse(path: Path, marts: dict[str, pd.DataFrame]) -> Path:
    con = duckdb.connect(str(path))
    for name, frame in marts.items():
        con.register("frame", frame)
        con.execute(f"create table {name} as select * from frame")
        con.unregister("frame")
    con.close()
    return path


@pytest.fixture()
def warehouse_file(tmp_path) -> Path:
    return write_warehouse(tmp_path / "warehouse.duckdb", synthetic_marts())


@pytest.fixture()
def page(warehouse_file) -> str:
    con = duckdb.connect(str(warehouse_file), read_only=True)
    try:
        return renderer.render(con, EXPERIMENT)
    finally:
        con.close()


def svgs_of(html_text: str) -> list[ET.Element]:
    return [ET.fromstring(s) for s in re.findall(r"<svg\b.*?</svg>", html_text, re.S)]


def section(page_text: str, heading_id: str) -> str:
    """The page from the h2 with this id up to the next h2."""
    start = page_text.index(f"id='{heading_id}'")
    end = page_text.find("<h2", start)
    return page_text[start:end if end > 0 else None]


def test_the_page_opens_with_the_decision_per_variant_none_before_cuped(page):
    first_decision = page.index("<section class='decision")
    assert first_decision < page.index("<svg") and first_decision < page.index("<h2 class='role'")
    order = re.findall(r"data-decision='([a-z_]+)' data-variance-reduction='([a-z]+)'", page)
    assert order == [("ship", "none"), ("ship", "cuped"), ("do_not_ship", "none")]
    badges = re.findall(r"<span class='badge'[^>]*>([^<]*)</span>", page)
    assert badges == ["✓ SHIP", "✓ SHIP", "✗ DO NOT SHIP"]  # the word, not only the colour
    assert "<li>guardrail crash_rate not shown non-inferior</li>" in page  # reasons split into a list
    assert "<li>SRM: no sample ratio mismatch (p = 0.41)</li>" in page
    assert "<li>exposures outside the analysis window: 0.08% of exposures</li>" in page


def test_alpha_statement_gives_the_levels_used(page):
    assert ("primary metrics tested at α = 0.025 (0.05 Bonferroni over 2 comparisons); guardrails one-sided "
            "non-inferiority at α = 0.05; secondary metrics BH-adjusted, exploratory.") in page


def test_sections_follow_the_decision_in_role_order(page):
    headings = re.findall(r"<h2[^>]*id='([a-z-]+)'", page)
    assert headings == ["decision", "primary", "guardrail", "secondary", "health"]
    assert page.index("id='health'") < page.index("Segments by country")
    primary = section(page, "primary")
    assert "watch_seconds_per_user" in primary and "crash_rate" not in primary and "likes_per_user" not in primary
    assert primary.index("no variance reduction") < primary.index("CUPED")


def tick_scale(svg: ET.Element):
    """Relative effect -> x, fitted from the axis ticks (each carries its value)."""
    ticks = [(float(t.get("data-value")), float(t.get("x"))) for t in svg.iter(f"{SVG}text") if t.get("class") == "tick"]
    (v0, x0), (v1, x1) = ticks[0], ticks[-1]
    return lambda v: x0 + (v - v0) * (x1 - x0) / (v1 - v0)


def test_guardrail_margin_lines_sit_on_the_losing_side_of_zero(page):
    (svg,) = svgs_of(section(page, "guardrail"))
    x_of = tick_scale(svg)
    labels = {t.find(f"{SVG}title").text: float(t.get("y"))
              for t in svg.iter(f"{SVG}text") if t.find(f"{SVG}title") is not None}
    margins = [line for line in svg.iter(f"{SVG}line") if line.get("class") == "ni-margin"]
    assert len(margins) == 2 and all(line.get("stroke-dasharray") for line in margins)

    def margin_for(label):
        y = labels[label]
        (line,) = [m for m in margins if float(m.get("y1")) <= y <= float(m.get("y2"))]
        return float(line.get("x1"))

    # preferred direction increase, margin 0.02: the line at -2 %; decrease, margin 0.03: at +3 %
    assert margin_for("app_opens_per_user · B") == margin_for("app_opens_per_user · C") == pytest.approx(x_of(-0.02), abs=0.02)
    assert margin_for("crash_rate · B") == margin_for("crash_rate · C") == pytest.approx(x_of(0.03), abs=0.02)
    assert margin_for("app_opens_per_user · B") < x_of(0) < margin_for("crash_rate · B")
    margin_labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "ni-margin-label"]
    assert margin_labels == ["margin -2.0%", "margin +3.0%"]
    for other in ("primary", "secondary"):
        assert "ni-margin" not in section(page, other)


def test_rows_too_small_for_a_test_are_listed_with_their_counts(page):
    secondary = section(page, "secondary")
    assert "<li>gold_accuracy · B: 40 control / 37 treatment units: too few units for a test</li>" in secondary
    plotted = [t.text for svg in svgs_of(secondary) for t in svg.iter(f"{SVG}text")]
    assert not any("gold_accuracy" in (text or "") for text in plotted)


def test_a_warehouse_without_the_decision_mart_still_renders_and_says_so(tmp_path):
    marts = synthetic_marts()
    del marts["fct_experiment_decisions"]
    marts["fct_experiment_results"] = marts["fct_experiment_results"].drop(
        columns=list(renderer.RESULT_COLUMNS_ADDED[1:]))  # today's columns: metric_role only
    con = duckdb.connect(str(write_warehouse(tmp_path / "old.duckdb", marts)), read_only=True)
    page = renderer.render(con, EXPERIMENT)
    assert "No decision table: rebuild with dbt build" in section(page, "decision")
    assert re.findall(r"<h2[^>]*id='([a-z-]+)'", page) == ["decision", "primary", "guardrail", "secondary", "health"]


def render_from_published(warehouse_file, tmp_path, marts) -> subprocess.CompletedProcess:
    """Publish `marts` as Parquet into tmp_path, then run the renderer while the
    warehouse is held for writing, as a running build holds it."""
    con = duckdb.connect(str(warehouse_file))
    try:
        for name in marts:
            con.execute(f"copy {name} to '{tmp_path / name}.parquet' (format parquet)")
        return subprocess.run([sys.executable, str(RENDERER), "--experiment", EXPERIMENT, "--out",
                               str(tmp_path / "readout.html"), "--duckdb", str(warehouse_file)],
                              cwd=tmp_path, capture_output=True, text=True,
                              env={"PATH": "/usr/bin:/bin", "SV_PUBLISH_PATH": str(tmp_path)})
    finally:
        con.close()


def test_published_decisions_are_read_while_the_warehouse_is_locked(warehouse_file, page, tmp_path):
    result = render_from_published(warehouse_file, tmp_path,
                                   renderer.READOUT_MARTS + renderer.OPTIONAL_READOUT_MARTS)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "is locked by another process" in result.stderr
    assert (tmp_path / "readout.html").read_text(encoding="utf-8") == page


def content_width_px(page_text: str) -> float:
    css = re.search(r"body\{([^}]*)\}", page_text).group(1)
    max_width = float(re.search(r"max-width:(\d+)px", css).group(1))
    padding = float(re.search(r"padding:0 (\d+)px", css).group(1))
    return max_width, padding


def test_page_fits_a_1280_px_viewport_by_computation(page):
    """Without a browser: nothing on the page has a fixed width wider than the body's, the
    plots scale with their container and table cells may break anywhere."""
    max_width, padding = content_width_px(page)
    assert max_width + 2 * padding <= VIEWPORT_PX - SCROLLBAR_PX
    svgs = re.findall(r"<svg\b[^>]*>", page)
    assert svgs and all('width="100%"' in s and "viewBox=" in s for s in svgs)
    assert re.search(r"svg\{[^}]*width:100%[^}]*height:auto", page)
    assert re.search(r"td,th\{[^}]*overflow-wrap:anywhere", page)
    assert not re.search(r"width:\s*(\d{4,}|[2-9]\d{2})px", re.sub(r"max-width:\d+px", "", page))
    # an unbreakable word outside a table must fit the content width (at most 10 px a character at 16 px)
    text = re.sub(r"<table.*?</table>|<svg.*?</svg>|<style>.*?</style>|<[^>]+>", " ", page, flags=re.S)
    assert max(len(word) for word in text.split()) * 10 <= max_width


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-headless-shell")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package: chromium)")
def test_page_fits_a_1280_px_viewport_in_chromium(page, tmp_path):
    probe = ("<script>document.body.setAttribute('data-widths', document.documentElement.scrollWidth + ' ' + "
             "document.documentElement.clientWidth)</script></body>")
    html_file = tmp_path / "readout.html"
    html_file.write_text(page.replace("</body>", probe), encoding="utf-8")
    result = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                             f"--window-size={VIEWPORT_PX},900", "--dump-dom", html_file.as_uri()],
                            capture_output=True, text=True, timeout=120)
    found = re.search(r'data-widths="(\d+) (\d+)"', result.stdout)
    assert found, result.stderr[-2000:]
    scroll_width, client_width = map(int, found.groups())
    assert scroll_width <= client_width <= VIEWPORT_PX


# ---------------------------------------------------------------- over time, chance to win, summary

def over_time_figures(page_text: str) -> dict[tuple[str, str], ET.Element]:
    """(metric, variant) -> the SVG of its cumulative chart."""
    found = re.findall(r"<figure class='over-time' data-metric='([^']*)' data-variant='([^']*)'>(<svg\b.*?</svg>)",
                       page_text, re.S)
    return {(metric, variant): ET.fromstring(svg) for metric, variant, svg in found}


def marts_of(warehouse_file: Path) -> dict[str, pd.DataFrame]:
    con = duckdb.connect(str(warehouse_file), read_only=True)
    try:
        return {name: con.execute(f"select * from {name}").df()
                for name in ("fct_experiment_results", "fct_experiment_results_daily")}
    finally:
        con.close()


def day_marks(svg: ET.Element) -> list[ET.Element]:
    return [c for c in svg.iter(f"{SVG}circle") if c.get("class") == "day"]


def test_each_primary_metric_has_a_cumulative_chart_ending_at_the_daily_mart_and_the_result(page, warehouse_file):
    marts = marts_of(warehouse_file)
    daily = marts["fct_experiment_results_daily"].sort_values("analysis_date")
    results = marts["fct_experiment_results"]
    final = results[(results.segment_name == "all") & (results.variance_reduction == "none")
                    & (results.metric_role == "primary")]
    figures = over_time_figures(section(page, "primary"))
    with_days = set(daily.groupby(["metric_name", "treatment_variant"]).groups)
    assert set(figures) == with_days and len(with_days) == 3
    for (metric, variant), svg in figures.items():
        days = daily[(daily.metric_name == metric) & (daily.treatment_variant == variant)]
        tested = days[days.relative_ci_lower.notna()]
        marks = day_marks(svg)
        assert [m.get("data-date") for m in marks] == [str(d)[:10] for d in tested.analysis_date]
        last_day = tested.iloc[-1]
        (result,) = final[(final.metric_name == metric) & (final.treatment_variant == variant)].itertuples()
        for attribute, column in (("data-effect", "relative_effect"), ("data-ci-lower", "relative_ci_lower"),
                                  ("data-ci-upper", "relative_ci_upper"),
                                  ("data-sequential-lower", "relative_sequential_ci_lower"),
                                  ("data-sequential-upper", "relative_sequential_ci_upper")):
            drawn = float(marks[-1].get(attribute))
            # equal to 1e-9 relative: the page prints repr(float), so any difference is a wrong value
            assert drawn == pytest.approx(last_day[column], rel=1e-9), (metric, variant, attribute)
            assert drawn == pytest.approx(getattr(result, column), rel=1e-9), (metric, variant, attribute)
    # a primary metric x variant without daily rows says so instead of drawing nothing
    assert "sessions_per_user · C: no daily rows" in section(page, "primary")


def band_edges(svg: ET.Element, css_class: str) -> tuple[list[float], list[float], list[float]]:
    """x, upper-edge y and lower-edge y per day of a band polygon (upper edge left to right,
    then the lower edge right to left)."""
    (polygon,) = [p for p in svg.iter(f"{SVG}polygon") if p.get("class") == css_class]
    points = [tuple(map(float, p.split(","))) for p in polygon.get("points").split()]
    half = len(points) // 2
    upper, lower = points[:half], points[half:][::-1]
    assert [x for x, _ in upper] == [x for x, _ in lower]
    return [x for x, _ in upper], [y for _, y in upper], [y for _, y in lower]


def value_scale(svg: ET.Element):
    """Relative effect -> y, fitted from the y-axis ticks (each carries its value)."""
    ticks = [(float(t.get("data-value")), float(t.get("y")) - 4)
             for t in svg.iter(f"{SVG}text") if t.get("class") == "tick"]
    (v0, y0), (v1, y1) = ticks[0], ticks[-1]
    return lambda v: y0 + (v - v0) * (y1 - y0) / (v1 - v0)


def test_the_always_valid_band_is_drawn_at_least_as_wide_as_the_fixed_band_every_day(page):
    figures = over_time_figures(page)
    assert figures
    for key, svg in figures.items():
        marks = day_marks(svg)
        y_of = value_scale(svg)
        fixed_x, fixed_top, fixed_bottom = band_edges(svg, "band-fixed")
        seq_x, seq_top, seq_bottom = band_edges(svg, "band-sequential")
        assert fixed_x == seq_x == [float(m.get("cx")) for m in marks], key
        for i, m in enumerate(marks):
            values = {a: float(m.get(a)) for a in ("data-ci-lower", "data-ci-upper",
                                                   "data-sequential-lower", "data-sequential-upper")}
            assert values["data-sequential-lower"] <= values["data-ci-lower"], (key, m.get("data-date"))
            assert values["data-sequential-upper"] >= values["data-ci-upper"], (key, m.get("data-date"))
            # drawn where the values say (0.02 px: the points are printed to 0.01 px); y grows downwards
            assert fixed_top[i] == pytest.approx(y_of(values["data-ci-upper"]), abs=0.02)
            assert fixed_bottom[i] == pytest.approx(y_of(values["data-ci-lower"]), abs=0.02)
            assert seq_top[i] == pytest.approx(y_of(values["data-sequential-upper"]), abs=0.02)
            assert seq_bottom[i] == pytest.approx(y_of(values["data-sequential-lower"]), abs=0.02)
            assert seq_top[i] <= fixed_top[i] and seq_bottom[i] >= fixed_bottom[i], (key, m.get("data-date"))
        zero = [line for line in svg.iter(f"{SVG}line") if line.get("class") == "zero"]
        assert len(zero) == 1 and float(zero[0].get("y1")) == pytest.approx(y_of(0.0), abs=0.02)


def expected_pct(x: float) -> str:
    """The test's own formatting of a relative value in words (one decimal)."""
    return f"{100 * x:.1f} %"


def summary_lines(page_text: str, variant: str, reduction: str) -> dict[str, str]:
    start = page_text.index(f"<h3>Treatment {variant} — {'CUPED' if reduction == 'cuped' else 'no variance reduction'}")
    block = page_text[start:page_text.index("</section>", start)]
    return dict(re.findall(r"<li class='summary-line' data-metric='([^']*)'>([^<]*)</li>", block))


def test_one_plain_language_line_per_primary_metric_with_the_mart_numbers_and_the_decision(page, warehouse_file):
    results = marts_of(warehouse_file)["fct_experiment_results"].set_index(
        ["metric_name", "treatment_variant", "variance_reduction", "segment_name"])
    watch_b = results.loc[("watch_seconds_per_user", "B", "none", "all")]
    sessions_b = results.loc[("sessions_per_user", "B", "none", "all")]
    watch_c = results.loc[("watch_seconds_per_user", "C", "none", "all")]
    b = summary_lines(page, "B", "none")
    assert set(b) == {"watch_seconds_per_user", "sessions_per_user"}
    assert b["watch_seconds_per_user"] == (
        f"Variant B raised watch seconds per user by {expected_pct(watch_b.relative_effect)} "
        f"(95 % CI {expected_pct(watch_b.relative_ci_lower)} to {expected_pct(watch_b.relative_ci_upper)}; "
        f"always-valid CI {expected_pct(watch_b.relative_sequential_ci_lower)} to "
        f"{expected_pct(watch_b.relative_sequential_ci_upper)}); chance to win over 99 %. Decision: ship.")
    assert b["sessions_per_user"] == (
        f"Variant B: no detectable change in sessions per user ({expected_pct(sessions_b.relative_effect)}, "
        f"95 % CI {expected_pct(sessions_b.relative_ci_lower)} to {expected_pct(sessions_b.relative_ci_upper)}; "
        f"always-valid CI {expected_pct(sessions_b.relative_sequential_ci_lower)} to "
        f"{expected_pct(sessions_b.relative_sequential_ci_upper)}); the experiment could detect "
        f"{expected_pct(sessions_b.mde_relative)} or more; chance to win {100 * sessions_b.chance_to_win:.0f} %. "
        "Decision: ship.")
    c = summary_lines(page, "C", "none")
    assert c["watch_seconds_per_user"].startswith(
        f"Variant C lowered watch seconds per user by {expected_pct(-watch_c.relative_effect)}, "
        "against the preferred direction (")
    assert c["watch_seconds_per_user"].endswith("chance to win under 1 %. Decision: do not ship.")
    assert summary_lines(page, "B", "cuped")["watch_seconds_per_user"].endswith("Decision: ship.")


def test_on_the_sequential_basis_the_line_reads_the_always_valid_test(tmp_path):
    """Significant at the fixed horizon, but p_value_sequential 0.03 is above alpha_primary 0.025:
    a decision on the sequential basis does not count it, and neither does the line."""
    marts = synthetic_marts()
    marts["fct_experiment_decisions"]["decision_basis"] = "sequential"
    results = marts["fct_experiment_results"]
    results.loc[(results.metric_name == "watch_seconds_per_user") & (results.treatment_variant == "B"),
                "p_value_sequential"] = 0.03
    con = duckdb.connect(str(write_warehouse(tmp_path / "sequential.duckdb", marts)), read_only=True)
    page = renderer.render(con, EXPERIMENT)
    line = summary_lines(page, "B", "none")["watch_seconds_per_user"]
    assert line.startswith("Variant B: no detectable change in watch seconds per user (4.0 %, 95 % CI 2.0 % to 6.0 %")
    assert summary_lines(page, "C", "none")["watch_seconds_per_user"].startswith("Variant C lowered")


def test_chance_to_win_expected_loss_and_mde_sit_next_to_each_effect(page):
    table = re.search(r"<table class='results'>.*?</table>", section(page, "primary"), re.S).group(0)
    head = re.findall(r"<th>([^<]*)</th>", table)
    effect = head.index("relative effect [interval]")
    assert head[effect + 1:effect + 5] == ["always-valid [interval], p", "MDE (80 %)", "chance to win", "expected loss"]
    row = re.search(r"<tr><td>watch_seconds_per_user · B</td>(.*?)</tr>", table).group(1)
    cells = re.findall(r"<td>([^<]*)</td>", row)
    assert cells[effect - 1:effect + 4] == ["+4.00% [+2.00%, +6.00%]", "[+1.00%, +7.00%], p = 0.004",
                                            "1.5%", "99.9%", "0.12%"]


def test_without_the_daily_mart_the_page_renders_and_says_so(tmp_path):
    marts = synthetic_marts()
    del marts["fct_experiment_results_daily"]
    con = duckdb.connect(str(write_warehouse(tmp_path / "no_daily.duckdb", marts)), read_only=True)
    page = renderer.render(con, EXPERIMENT)
    assert renderer.NO_DAILY_TABLE in section(page, "primary") and "<figure" not in page
    assert summary_lines(page, "B", "none")["watch_seconds_per_user"].endswith("Decision: ship.")


def test_published_parquet_without_the_daily_mart_renders_and_says_so(warehouse_file, tmp_path):
    result = render_from_published(warehouse_file, tmp_path, renderer.READOUT_MARTS + ("fct_experiment_decisions",))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "fct_experiment_results_daily.parquet not found" in result.stderr
    page = (tmp_path / "readout.html").read_text(encoding="utf-8")
    assert renderer.NO_DAILY_TABLE in section(page, "primary")
    assert "Decision: ship." in page


def png_distinct_byte_values(png: bytes) -> int:
    """How many distinct byte values the decoded (still filtered) scanlines of a PNG hold: a blank
    page is one colour and gives a handful, a rendered page with text and colours gives many."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, data = 8, b""
    while position < len(png):
        length = int.from_bytes(png[position:position + 4], "big")
        kind = png[position + 4:position + 8]
        if kind == b"IDAT":
            data += png[position + 8:position + 8 + length]
        position += 12 + length
    return len(set(zlib.decompress(data)))


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package: chromium)")
def test_page_renders_in_chromium_with_the_decision_in_its_text(page, tmp_path):
    html_file = tmp_path / "readout.html"
    html_file.write_text(page, encoding="utf-8")
    browser = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               f"--window-size={VIEWPORT_PX},2400"]
    shot = tmp_path / "readout.png"
    result = subprocess.run(browser + [f"--screenshot={shot}", html_file.as_uri()],
                            capture_output=True, text=True, timeout=120)
    assert shot.is_file(), result.stderr[-2000:]
    # threshold: a blank (one-colour) screenshot gives under 10 distinct values; this page gives over 200
    assert png_distinct_byte_values(shot.read_bytes()) > 64
    dom = subprocess.run(browser + ["--dump-dom", html_file.as_uri()], capture_output=True, text=True, timeout=120)
    assert "✓ SHIP" in dom.stdout and "✗ DO NOT SHIP" in dom.stdout, dom.stderr[-2000:]
    assert "chance to win over 99 %. Decision: ship." in dom.stdout
    assert dom.stdout.count("<figure class=\"over-time\"") == 3
