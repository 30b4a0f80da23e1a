"""Inline-SVG charts of the experiment readout (analyses/render_experiment_readout.py loads this
file by its path): the forest plot of relative effects and the cumulative effect over the
analysis days with its fixed-horizon and always-valid bands. Every chart is responsive (viewBox,
width 100 %), uses Okabe & Ito's colour-blind-safe palette and prints its values as words too;
each mark carries its exact value in data-* attributes, which the tests read back."""
from __future__ import annotations

import html
import math

import pandas as pd

# Okabe & Ito's colour-blind-safe palette; every colour also comes with a printed word or value.
OKABE_ITO = {"green": "#009E73", "vermillion": "#D55E00", "grey": "#999999", "black": "#000000",
             "blue": "#0072B2", "orange": "#E69F00", "sky_blue": "#56B4E9"}
LABEL_CHARS = 38  # about 7 px a character at 13 px: what fits the plot's 280-px label column


def is_missing(x) -> bool:
    return x is None or x is pd.NA or x is pd.NaT or (isinstance(x, float) and x != x)


def pct(x, digits=2) -> str:
    return "–" if is_missing(x) else f"{100 * x:+.{digits}f}%"


def _attr(x) -> str:
    """A value for a data-* attribute: repr keeps every bit of a float, '' stands for null."""
    return "" if is_missing(x) else repr(float(x))


def svg_open(width: int, height: int, css_class: str, extra: str = "") -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" viewBox="0 0 {width} {height}" '
            f'width="100%" preserveAspectRatio="xMinYMin meet" font-family="sans-serif" font-size="13" '
            f'role="img"{extra}>')


def nice_ticks(lo: float, hi: float, most: int = 7) -> list[float]:
    """Evenly spaced round ticks (1, 2 or 5 times a power of ten) covering [lo, hi] with a little room."""
    span = (hi - lo) or 0.02
    lo, hi = lo - 0.04 * span, hi + 0.04 * span
    for step in (m * 10.0 ** e for e in range(-6, 3) for m in (1, 2, 5)):
        first, last = math.floor(lo / step), math.ceil(hi / step)
        if last - first + 1 <= most:
            return [round(k * step, 12) for k in range(first, last + 1)]
    raise ValueError(f"no tick step for [{lo}, {hi}]")


def _tick_label(v: float) -> str:
    return "0" if v == 0 else f"{100 * v:+g}%"


# ---------------------------------------------------------------- forest plot

def margin_position(margin, preferred_direction) -> float | None:
    """Relative effect at which a guardrail stops being non-inferior: a loss of `margin`
    in the preferred direction, so -margin for 'increase' and +margin for 'decrease'."""
    if is_missing(margin):
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
    out = [svg_open(width, height, "forest")]
    out.append(f'<line class="zero" data-value="0" x1="{sx(0):.2f}" y1="{top - 6}" x2="{sx(0):.2f}" y2="{axis_y}" '
               'stroke="#888"/>')
    for start, end, at in _margin_runs(rows):
        x, y1, y2 = sx(at), top + start * row_h + 2, top + end * row_h - 2
        out.append(f'<line class="ni-margin" data-value="{at!r}" x1="{x:.2f}" y1="{y1}" x2="{x:.2f}" y2="{y2}" '
                   f'stroke="{OKABE_ITO["orange"]}" stroke-width="2" stroke-dasharray="6 4"/>')
        anchor, dx = ("start", 4) if at < 0 else ("end", -4)  # towards zero, away from the text columns
        out.append(f'<text class="ni-margin-label" x="{x + dx:.2f}" y="{y1 + 9}" text-anchor="{anchor}" '
                   f'font-size="11" fill="#7a4a00">margin {pct(at, 1)}</text>')
    for i, r in enumerate(rows):
        y = top + i * row_h + row_h / 2
        fill = r["color"] if r["filled"] else "#fff"
        out.append(f'<text x="{left - 10}" y="{y + 4:.1f}" text-anchor="end"><title>{html.escape(r["label"])}</title>'
                   f'{html.escape(_shortened(r["label"], LABEL_CHARS))}</text>')
        out.append(f'<line x1="{sx(r["lo"]):.2f}" y1="{y:.1f}" x2="{sx(r["hi"]):.2f}" y2="{y:.1f}" '
                   f'stroke="{r["color"]}" stroke-width="2.5"/>')
        out.append(f'<rect x="{sx(r["effect"]) - 5:.2f}" y="{y - 5:.1f}" width="10" height="10" fill="{fill}" '
                   f'stroke="{r["color"]}" stroke-width="2"/>')
        out.append(f'<text x="{width - right + 10}" y="{y + 4:.1f}">{pct(r["effect"], 1)} '
                   f'[{pct(r["lo"], 1)}, {pct(r["hi"], 1)}]</text>')
    out.append(f'<line x1="{left}" y1="{axis_y}" x2="{width - right}" y2="{axis_y}" stroke="#555"/>')
    for v in ticks:
        out.append(f'<text class="tick" data-value="{v!r}" x="{sx(v):.2f}" y="{axis_y + 18}" text-anchor="middle" '
                   f'fill="#444">{_tick_label(v)}</text>')
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


# ---------------------------------------------------------------- cumulative effect over time

DAY_COLUMNS = ("relative_effect", "relative_ci_lower", "relative_ci_upper",
               "relative_sequential_ci_lower", "relative_sequential_ci_upper")
# How far beyond the last day's always-valid band the y axis reaches: the first days' bands are
# many times wider (few units), and drawing them whole would flatten the days that matter.
Y_RANGE_BAND_WIDTHS = 1.5


def complete_days(days: pd.DataFrame) -> pd.DataFrame:
    """The days with an effect and both intervals (the first days lack them: too few units)."""
    complete = days.dropna(subset=list(DAY_COLUMNS))
    finite = complete[list(DAY_COLUMNS)].apply(lambda c: c.map(math.isfinite)).all(axis=1)
    return complete[finite]


def _y_range(days: pd.DataFrame) -> tuple[float, float]:
    """Zero, every effect and the fixed bands, and the always-valid bands as far as
    Y_RANGE_BAND_WIDTHS of the last day's always-valid band beyond it (wider bands are clipped)."""
    last = days.iloc[-1]
    width = last.relative_sequential_ci_upper - last.relative_sequential_ci_lower
    floor = last.relative_sequential_ci_lower - Y_RANGE_BAND_WIDTHS * width
    ceiling = last.relative_sequential_ci_upper + Y_RANGE_BAND_WIDTHS * width
    values = [0.0, *days.relative_effect, *days.relative_ci_lower, *days.relative_ci_upper,
              *days.relative_sequential_ci_lower.clip(lower=floor),
              *days.relative_sequential_ci_upper.clip(upper=ceiling)]
    return min(values), max(values)


def _band_points(xs: list[float], lower: list[float], upper: list[float]) -> str:
    """Polygon of a band: the upper edge left to right, then the lower edge right to left."""
    upper_edge = [f"{x:.2f},{y:.2f}" for x, y in zip(xs, upper)]
    lower_edge = [f"{x:.2f},{y:.2f}" for x, y in zip(reversed(xs), reversed(lower))]
    return " ".join(upper_edge + lower_edge)


def _date_ticks(count: int, most: int = 8) -> list[int]:
    """Indices of the days to label: every k-th day from the first, so at most `most` labels."""
    step = max(1, math.ceil(count / most))
    return list(range(0, count, step))


def cumulative_svg(days: pd.DataFrame, level: str, chart_id: str, width: int = 960, height: int = 320) -> str:
    """Cumulative relative effect per analysis day (rows of fct_experiment_results_daily for one
    metric and treatment variant, ordered by analysis_date) with the always-valid band (light,
    dashed edges) behind the fixed-horizon band (darker), a zero line and the analysis days on
    the x axis. Days without a test (too few units) have no mark. `level` names the bands'
    level, e.g. '95 %'; `chart_id` is unique on the page (it names the plot's clip path). Each
    day's mark carries its values in data-* attributes."""
    all_dates = [str(d)[:10] for d in days.analysis_date]
    complete = complete_days(days)
    left, right, top, bottom = 64, 24, 34, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    lo_value, hi_value = _y_range(complete)
    ticks = nice_ticks(lo_value, hi_value)
    lo, hi = ticks[0], ticks[-1]
    index_of = {d: i for i, d in enumerate(all_dates)}

    def sx(i: int) -> float:
        return left + (i / max(len(all_dates) - 1, 1)) * plot_w

    def sy(v: float) -> float:
        return top + (hi - v) / (hi - lo) * plot_h

    clip_id = f"{chart_id}-plot-area"
    xs = [sx(index_of[str(d)[:10]]) for d in complete.analysis_date]
    out = [svg_open(width, height, "cumulative"),
           f'<defs><clipPath id="{clip_id}"><rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}"/>'
           '</clipPath></defs>',
           _legend(left, level)]
    for v in ticks:
        out.append(f'<line x1="{left}" y1="{sy(v):.2f}" x2="{width - right}" y2="{sy(v):.2f}" stroke="#eee"/>')
        out.append(f'<text class="tick" data-value="{v!r}" x="{left - 6}" y="{sy(v) + 4:.2f}" text-anchor="end" '
                   f'fill="#444">{_tick_label(v)}</text>')
    out.append(f'<g clip-path="url(#{clip_id})">')
    out.append(_band("band-sequential", xs, complete.relative_sequential_ci_lower, complete.relative_sequential_ci_upper,
                     sy, OKABE_ITO["sky_blue"], 0.30, dashed=True))
    out.append(_band("band-fixed", xs, complete.relative_ci_lower, complete.relative_ci_upper,
                     sy, OKABE_ITO["blue"], 0.40, dashed=False))
    out.append('</g>')
    out.append(f'<line class="zero" data-value="0" x1="{left}" y1="{sy(0):.2f}" x2="{width - right}" '
               f'y2="{sy(0):.2f}" stroke="#333" stroke-width="1.5"/>')
    if len(xs) > 1:
        line = " ".join(f"{x:.2f},{sy(v):.2f}" for x, v in zip(xs, complete.relative_effect))
        out.append(f'<polyline class="effect-line" points="{line}" fill="none" stroke="#000" stroke-width="2"/>')
    for x, r in zip(xs, complete.itertuples()):
        out.append(_day_mark(x, sy(r.relative_effect), r))
    axis_y = top + plot_h
    out.append(f'<line x1="{left}" y1="{axis_y}" x2="{width - right}" y2="{axis_y}" stroke="#555"/>')
    for i in _date_ticks(len(all_dates)):
        out.append(f'<text class="day-tick" x="{sx(i):.2f}" y="{axis_y + 16}" text-anchor="middle" '
                   f'fill="#444" font-size="11">{all_dates[i][5:]}</text>')
    out.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle" fill="#444" font-size="11">'
               f'analysis day ({all_dates[0]} to {all_dates[-1]}, UTC; cumulative to the end of the day)</text>')
    out.append("</svg>")
    return "\n".join(out)


def _band(css_class: str, xs, lower, upper, sy, color: str, opacity: float, dashed: bool) -> str:
    lower_y, upper_y = [sy(v) for v in lower], [sy(v) for v in upper]
    parts = [f'<polygon class="{css_class}" points="{_band_points(xs, lower_y, upper_y)}" fill="{color}" '
             f'fill-opacity="{opacity}" stroke="none"/>']
    dash = ' stroke-dasharray="5 3"' if dashed else ""
    for edge in (lower_y, upper_y):  # the edges, so the band reads without its fill colour
        points = " ".join(f"{x:.2f},{y:.2f}" for x, y in zip(xs, edge))
        parts.append(f'<polyline class="{css_class}-edge" points="{points}" fill="none" stroke="{color}" '
                     f'stroke-width="1.2"{dash}/>')
    return "\n".join(parts)


def _day_mark(x: float, y: float, r) -> str:
    date = str(r.analysis_date)[:10]
    title = (f"{date}: {pct(r.relative_effect, 2)}; fixed [{pct(r.relative_ci_lower, 2)}, "
             f"{pct(r.relative_ci_upper, 2)}]; always-valid [{pct(r.relative_sequential_ci_lower, 2)}, "
             f"{pct(r.relative_sequential_ci_upper, 2)}]")
    return (f'<circle class="day" cx="{x:.2f}" cy="{y:.2f}" r="3" fill="#000" data-date="{date}" '
            f'data-effect="{_attr(r.relative_effect)}" '
            f'data-ci-lower="{_attr(r.relative_ci_lower)}" data-ci-upper="{_attr(r.relative_ci_upper)}" '
            f'data-sequential-lower="{_attr(r.relative_sequential_ci_lower)}" '
            f'data-sequential-upper="{_attr(r.relative_sequential_ci_upper)}"><title>{html.escape(title)}</title>'
            '</circle>')


def _legend(x: float, level: str) -> str:
    items = [(f'<rect width="18" height="10" fill="{OKABE_ITO["sky_blue"]}" fill-opacity="0.3" '
              f'stroke="{OKABE_ITO["sky_blue"]}" stroke-dasharray="5 3"/>', f"always-valid {level} interval", 250),
             (f'<rect width="18" height="10" fill="{OKABE_ITO["blue"]}" fill-opacity="0.4"/>',
              f"fixed-horizon {level} interval (valid at the planned end only)", 390),
             ('<line x1="0" y1="5" x2="18" y2="5" stroke="#000" stroke-width="2"/>', "cumulative effect", 150)]
    out, at = ['<g class="legend" font-size="12">'], x
    for swatch, text, advance in items:
        out.append(f'<g transform="translate({at:.0f},8)">{swatch}<text x="24" y="10">{html.escape(text)}</text></g>')
        at += advance
    out.append("</g>")
    return "".join(out)
