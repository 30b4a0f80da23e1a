"""Inline-SVG charts and number formats for the HTML pages in analyses/ (the morning report).

Every chart is an <svg> with a viewBox and width 100 %, so it scales with its container and
never forces a horizontal scrollbar. Drawn marks carry class "mark" (the browser test counts
those with a non-empty box) and their value in a data attribute, so tests read numbers from
the page instead of parsing printed text. Colours are Okabe & Ito's colour-blind-safe palette,
and each colour also comes with a printed word or value.
"""
from __future__ import annotations

import html
import math
from datetime import date

import pandas as pd

OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
             "grey": "#999999"}

# How each core indicator is printed: (kind, unit word). Kinds: count (an integer with its unit),
# percent (a proportion x 100), usd, seconds, decimal (a per-user average with its unit).
METRIC_FORMATS = {
    "dau": ("count", "users"), "wau": ("count", "users"), "mau": ("count", "users"),
    "new_users": ("count", "users"), "d1_retention": ("percent", ""),
    "watch_seconds_per_dau": ("seconds", ""), "views_per_dau": ("decimal", "views"),
    "completion_rate": ("percent", ""), "ad_impressions": ("count", "impressions"),
    "ad_revenue_usd": ("usd", ""), "ctr": ("percent", ""), "fill_rate": ("percent", ""),
    "ecpm_usd": ("usd", ""), "arpdau": ("usd", ""), "active_labelers": ("count", "labelers"),
    "gold_accuracy": ("percent", ""), "acceptance_rate": ("percent", ""), "skip_rate": ("percent", ""),
    "videos_published": ("count", "videos"), "creators_posting": ("count", "creators"),
    "qualified_views": ("count", "views"), "engagement_rate": ("percent", ""),
    "videos_removed": ("count", "videos"), "proactive_removal_rate": ("percent", ""),
    "removal_within_24h_rate": ("percent", ""), "violating_view_rate": ("percent", ""),
    "appeal_overturn_rate": ("percent", ""), "removed_share_of_uploads": ("percent", ""),
}


def is_missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and not math.isfinite(x))


def esc(x) -> str:
    return html.escape("" if is_missing(x) else str(x), quote=True)


def metric_format(metric_name: str, metric_kind: str = "count") -> tuple[str, str]:
    """A metric outside METRIC_FORMATS prints as a plain number (count) or decimal (ratio)."""
    return METRIC_FORMATS.get(metric_name, ("count" if metric_kind == "count" else "decimal", ""))


def format_value(x, metric_name: str, metric_kind: str = "count", compact: bool = False) -> str:
    """The value with its unit: '12,345 users', '41.3 %', '$1,234.50', '$0.0512', '182.4 s'."""
    if is_missing(x):
        return "n/a"
    kind, unit = metric_format(metric_name, metric_kind)
    if kind == "percent":
        return f"{100 * x:.{2 if abs(x) < 0.1 else 1}f} %"
    if kind == "usd":
        if compact and abs(x) >= 1000:
            return f"${x / 1000:,.1f}k"
        return f"${x:,.2f}" if abs(x) >= 1 else f"${x:.4f}"
    if kind == "seconds":
        return f"{x:,.1f} s"
    if kind == "decimal":
        text = f"{x:,.2f}"
    elif compact and abs(x) >= 10000:
        text = f"{x / 1000:,.1f}k"
    else:
        text = f"{x:,.0f}" if float(x).is_integer() or abs(x) >= 100 else f"{x:,.1f}"
    return f"{text} {unit}".strip()


def format_change(current, previous, metric_name: str, metric_kind: str = "count") -> str:
    """Change against an earlier value: in percentage points for proportions, relative otherwise."""
    if is_missing(current) or is_missing(previous):
        return "n/a"
    if metric_format(metric_name, metric_kind)[0] == "percent":
        return f"{100 * (current - previous):+.2f} pp"
    if previous == 0:
        return "n/a"
    return f"{100 * (current / previous - 1):+.1f} %"


def format_delta(x, metric_name: str, metric_kind: str = "count") -> str:
    """A signed change of the metric (a driver's contribution) in its unit."""
    if is_missing(x):
        return "n/a"
    kind = metric_format(metric_name, metric_kind)[0]
    if kind == "percent":
        return f"{100 * x:+.2f} pp"
    sign = "+" if x >= 0 else "−"
    return sign + format_value(abs(x), metric_name, metric_kind)


def tick_label(v: float, metric_name: str, metric_kind: str = "count") -> str:
    """A short axis label: the unit's symbol (%, $, s) but no unit word (the caption has it)."""
    kind = metric_format(metric_name, metric_kind)[0]
    if kind == "percent":
        return f"{_short(100 * v)} %"
    if kind == "usd":
        return f"${_short(v)}"
    return f"{_short(v)} s" if kind == "seconds" else _short(v)


def _short(v: float) -> str:
    if abs(v) >= 1e6:
        return f"{v / 1e6:,.3g}M"
    if abs(v) >= 1e4:
        return f"{v / 1e3:,.3g}k"
    return f"{v:,.4g}"


def nice_ticks(lo: float, hi: float, most: int = 5) -> list[float]:
    """Round ticks (1, 2, 2.5 or 5 times a power of ten) covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    span = hi - lo
    if span <= 0:
        span = abs(hi) * 0.1 or 1.0
        lo, hi = lo - span / 2, hi + span / 2
    raw_step = span / max(most - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw_step))
    for m in (1, 2, 2.5, 5, 10):
        step = m * power
        first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
        if last - first + 1 <= most:
            return [round(k * step, 12) for k in range(first, last + 1)]
    step = 10 * power
    return [round(k * step, 12) for k in range(math.floor(lo / step), math.ceil(hi / step) + 1)]


def _svg_open(width: int, height: int, css_class: str, label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" viewBox="0 0 {width} {height}" '
            f'width="100%" preserveAspectRatio="xMinYMin meet" font-family="sans-serif" font-size="12" '
            f'role="img" aria-label="{esc(label)}">')


def sparkline_svg(points: list[tuple[date, float]], label: str, width: int = 220, height: int = 44) -> str:
    """The series as a line, its last point as a dot; points are (day, value), value may be missing."""
    known = [(d, v) for d, v in points if not is_missing(v)]
    out = [_svg_open(width, height, "sparkline", label)]
    if known:
        days = [d for d, _ in points]
        values = [v for _, v in known]
        lo, hi = min(values), max(values)
        pad = (hi - lo) * 0.1 or abs(hi) * 0.05 or 1.0
        lo, hi = lo - pad, hi + pad
        x0 = days[0]
        span = max((days[-1] - x0).days, 1)

        def xy(d, v):
            return 3 + (d - x0).days / span * (width - 6), height - 3 - (v - lo) / (hi - lo) * (height - 6)

        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(d, v) for d, v in known))
        out.append(f'<polyline class="mark" data-points="{len(known)}" points="{coords}" fill="none" '
                   f'stroke="{OKABE_ITO["blue"]}" stroke-width="1.8"/>')
        x, y = xy(*known[-1])
        out.append(f'<circle class="mark" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{OKABE_ITO["blue"]}"/>')
    out.append("</svg>")
    return "".join(out)


def band_chart_svg(series: list[dict], flagged_day: date, metric_name: str, metric_kind: str,
                   width: int = 560, height: int = 230) -> str:
    """The scored series of one indicator slice with its expected band.

    series: dicts with day, value, lower, upper, expected, is_anomaly (missing bounds leave a gap
    in the band). The flagged day is marked with a vermillion ring and a dashed line; other
    flagged days in the window with a smaller ring.
    """
    left, right, top, bottom = 62, 14, 14, 34
    days = [p["day"] for p in series]
    numbers = [p[k] for p in series for k in ("value", "lower", "upper") if not is_missing(p[k])]
    ticks = nice_ticks(min(numbers), max(numbers)) if numbers else [0.0, 1.0]
    lo, hi = ticks[0], ticks[-1]
    x0, span = days[0], max((days[-1] - days[0]).days, 1)
    plot_w, plot_h = width - left - right, height - top - bottom

    def sx(d):
        return left + (d - x0).days / span * plot_w

    def sy(v):
        return top + (hi - v) / (hi - lo) * plot_h

    out = [_svg_open(width, height, "band-chart", f"{metric_name} with its expected band")]
    for v in ticks:
        out.append(f'<line x1="{left}" y1="{sy(v):.1f}" x2="{width - right}" y2="{sy(v):.1f}" stroke="#e3e3e3"/>')
        out.append(f'<text x="{left - 6}" y="{sy(v) + 4:.1f}" text-anchor="end" fill="#444">'
                   f'{esc(tick_label(v, metric_name, metric_kind))}</text>')
    for run in _runs(series, lambda p: not is_missing(p["lower"]) and not is_missing(p["upper"])):
        upper = [f"{sx(p['day']):.1f},{sy(p['upper']):.1f}" for p in run]
        lower = [f"{sx(p['day']):.1f},{sy(p['lower']):.1f}" for p in reversed(run)]
        out.append(f'<polygon class="band mark" points="{" ".join(upper + lower)}" fill="{OKABE_ITO["sky_blue"]}" '
                   'fill-opacity="0.35" stroke="none"/>')
    for run in _runs(series, lambda p: not is_missing(p["value"])):
        coords = " ".join(f"{sx(p['day']):.1f},{sy(p['value']):.1f}" for p in run)
        out.append(f'<polyline class="series mark" points="{coords}" fill="none" stroke="{OKABE_ITO["black"]}" '
                   'stroke-width="1.6"/>')
    for p in series:
        if is_missing(p["value"]):
            continue
        flagged = p["day"] == flagged_day
        x, y = sx(p["day"]), sy(p["value"])
        out.append(f'<circle class="point mark" data-day="{p["day"].isoformat()}" data-value="{p["value"]!r}" '
                   f'cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="{OKABE_ITO["black"]}"/>')
        if flagged or p["is_anomaly"]:
            out.append(f'<circle class="{"flagged-day" if flagged else "other-flag"} mark" cx="{x:.1f}" cy="{y:.1f}" '
                       f'r="{7 if flagged else 4.5}" fill="none" stroke="{OKABE_ITO["vermillion"]}" '
                       f'stroke-width="{2.5 if flagged else 1.5}"/>')
    fx = sx(flagged_day)
    out.append(f'<line x1="{fx:.1f}" y1="{top}" x2="{fx:.1f}" y2="{top + plot_h}" stroke="{OKABE_ITO["vermillion"]}" '
               'stroke-dasharray="4 3"/>')
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#555"/>')
    for d in days[::7] if (days[-1] - days[0]).days >= 7 else days:
        out.append(f'<text x="{sx(d):.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="#444">'
                   f'{d.strftime("%b %d")}</text>')
    anchor = "end" if fx > width - right - 30 else "middle"  # the last day's label stays inside
    out.append(f'<text x="{fx:.1f}" y="{height - 3}" text-anchor="{anchor}" fill="{OKABE_ITO["vermillion"]}" '
               f'font-weight="bold">{flagged_day.strftime("%b %d")}</text>')
    out.append("</svg>")
    return "".join(out)


def _runs(series: list[dict], keep) -> list[list[dict]]:
    """Consecutive stretches of points for which keep(point) holds."""
    runs, current = [], []
    for p in series:
        if keep(p):
            current.append(p)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


DRIVER_PARTS = (  # (column, label, colour): a ratio's contribution and its three effects
    ("contribution", "contribution", OKABE_ITO["blue"]),
    ("rate_effect", "rate", OKABE_ITO["orange"]),
    ("mix_effect", "mix", OKABE_ITO["sky_blue"]),
    ("interaction_effect", "interaction", OKABE_ITO["purple"]),
)


def driver_bars_svg(drivers: list[dict], metric_name: str, metric_kind: str, highlight: str | None = None,
                    width: int = 560) -> str:
    """Horizontal bars of the top drivers' contributions to the change, from a zero line; for a
    ratio each value gets four bars: contribution, rate, mix and interaction effect.
    drivers: dicts with dimension_value, contribution, rate_effect, mix_effect, interaction_effect."""
    parts = DRIVER_PARTS if metric_kind == "ratio" else DRIVER_PARTS[:1]
    left, right, top, bar_h, gap = 110, 110, 22 if metric_kind == "ratio" else 6, 11, 10
    group_h = bar_h * len(parts) + gap
    height = top + group_h * len(drivers) + 8
    values = [0.0] + [d[c] for d in drivers for c, _, _ in parts if not is_missing(d[c])]
    lo, hi = min(values), max(values)
    if hi == lo:
        hi = lo + 1.0
    plot_w = width - left - right

    def sx(v):
        return left + (v - lo) / (hi - lo) * plot_w

    out = [_svg_open(width, height, "driver-bars", f"top drivers of {metric_name}")]
    if metric_kind == "ratio":
        x = left
        for _, label, colour in parts:
            out.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{colour}"/>'
                       f'<text x="{x + 14}" y="13" fill="#333">{label}</text>')
            x += 24 + 7 * len(label) + 10
    for i, d in enumerate(drivers):
        y0 = top + i * group_h
        weight = "bold" if d["dimension_value"] == highlight else "normal"
        out.append(f'<text x="{left - 8}" y="{y0 + bar_h * len(parts) / 2 + 4:.1f}" text-anchor="end" '
                   f'font-weight="{weight}">{esc(d["dimension_value"])}</text>')
        for k, (column, label, colour) in enumerate(parts):
            v = d[column]
            if is_missing(v):
                continue
            y = y0 + k * bar_h
            x_from, x_to = sorted((sx(0.0), sx(v)))
            out.append(f'<rect class="bar mark" data-dimension-value="{esc(d["dimension_value"])}" data-part="{label}" '
                       f'data-value="{v!r}" x="{x_from:.1f}" y="{y + 1}" width="{max(x_to - x_from, 1.0):.1f}" '
                       f'height="{bar_h - 2}" fill="{colour}"/>')
            if k == 0:
                out.append(f'<text x="{width - right + 6}" y="{y + bar_h - 2}" fill="#333">'
                           f'{esc(format_delta(v, metric_name, metric_kind))}</text>')
    out.append(f'<line x1="{sx(0.0):.1f}" y1="{top - 2}" x2="{sx(0.0):.1f}" y2="{height - 4}" stroke="#555"/>')
    out.append("</svg>")
    return "".join(out)
