"""A unit's satisfaction rate across the years, as inline SVG (no script; presentation
attributes only, as in exports/charts.py: the CSP allows no inline style)."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from pingyi.rectification.history import Year

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 220, 48, 30, 16
LINE, LAST, GRID = "#1a7f37", "#cf222e", "#d0d7de"


def history_chart(years: list[Year]) -> SafeString:
    """Satisfaction rate (%) per year; a last place is a red dot, the 90 % line dashed."""
    shown = [y for y in years if y.rate is not None]
    if not shown:
        return SafeString("")
    span = WIDTH - LEFT - 20
    step = span / max(len(shown) - 1, 1)
    low = min(50.0, *(float(y.rate or 0) * 100 for y in shown))

    def at(i: int, rate: float) -> tuple[str, str]:
        y = TOP + (100 - rate) / (100 - low) * (HEIGHT - TOP - BOTTOM) if low < 100 else TOP
        return f"{LEFT + i * step:.1f}", f"{y:.1f}"

    points = [at(i, float(y.rate or 0) * 100) for i, y in enumerate(shown)]
    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"{}/>'
        '<text x="{}" y="{}" font-size="11" text-anchor="end">{}%</text>',
        (
            (LEFT, at(0, v)[1], WIDTH - 10, at(0, v)[1], GRID,
             SafeString(' stroke-dasharray="4 3"') if v == 90 else "",
             LEFT - 4, float(at(0, v)[1]) + 4, v)
            for v in (low, 90, 100)
        ),
    )  # fmt: skip
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="4" fill="{}"/>'
        '<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>'
        '<text x="{}" y="{}" font-size="11" text-anchor="middle">{}%</text>',
        (
            (x, y, LAST if "last" in year.flags else LINE, x, HEIGHT - 10, year.campaign.year,
             x, float(y) - 8, f"{float(year.rate or 0) * 100:.1f}")
            for (x, y), year in zip(points, shown, strict=True)
        ),
    )  # fmt: skip
    line = " ".join(f"{x},{y}" for x, y in points)
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" xmlns="http://www.w3.org/2000/svg">'
        '{}<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>{}</svg>',
        WIDTH,
        HEIGHT,
        grid,
        line,
        LINE,
        dots,
    )
