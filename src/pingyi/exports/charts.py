"""Charts as inline SVG, drawn on the server: no script, no external library, print-friendly.

Only presentation attributes are used (no style attributes): the CSP allows no inline style.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from pingyi.exports.grading_reports import SectorCounts, all_counts
from pingyi.rules.grading import GRADES
from pingyi.rules.scheme import MEAN_PLACES
from pingyi.rules.tally import GroupRates, TallyResult

COLORS = ("#1a7f37", "#7ac38f", "#cf222e", "#afb8c1", "#8250df", "#bf8700")
ROW, LABEL, WIDTH = 22, 150, 640
SHARE_PLACES = 1  # a share of ballots in percent, as the report prints it


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString


def _bars(
    rows: list[tuple[str, list[float]]], scale: float, legend: list[str], places: int
) -> SafeString:
    """Horizontal stacked bars: one row per label, segments in COLORS order; each bar's figure
    with ``places`` decimals, as the tables beside it print it."""
    height = ROW * len(rows) + 30
    span = WIDTH - LABEL - 60
    parts = []
    for i, (label, values) in enumerate(rows):
        y = i * ROW + 4
        x = float(LABEL)
        segments = []
        for j, value in enumerate(values):
            w = span * value / scale if scale else 0
            segments.append((f"{x:.1f}", y, f"{w:.1f}", ROW - 6, COLORS[j % len(COLORS)]))
            x += w
        # A row without a bar (a figure not shown) says why in a long label: written from
        # the left edge across the empty row, not ending at the bars, where it ran off the chart.
        anchor, at = ("end", LABEL - 6) if values else ("start", 0)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="{}" font-size="12">{}</text>{}'
                '<text x="{}" y="{}" font-size="11">{}</text>',
                at,
                y + ROW - 9,
                anchor,
                label,
                format_html_join(
                    "", '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>', segments
                ),
                f"{x + 4:.1f}",
                y + ROW - 9,
                f"{sum(values):.{places}f}" if values else "",  # no figure: not even a zero
            )
        )
    keys = format_html_join(
        "",
        '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
        '<text x="{}" y="{}" font-size="11">{}</text>',
        (
            (
                LABEL + 90 * j,
                height - 14,
                COLORS[j % len(COLORS)],
                LABEL + 90 * j + 14,
                height - 5,
                name,
            )
            for j, name in enumerate(legend)
        ),
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" xmlns="http://www.w3.org/2000/svg">'
        "{}{}</svg>",
        WIDTH,
        height,
        format_html_join("", "{}", ((p,) for p in parts)),
        keys,
    )


def results_charts(result: TallyResult) -> list[Chart]:
    """Mean score per unit (one chart a category), the marks given, and the composition."""
    charts: list[Chart] = []
    top = max(float(m.points) for m in result.scheme.marks) or 1.0
    for category in result.scheme.categories:
        units = sorted(
            (u for u in result.units if u.spec.category_code == category.code and u.rank),
            key=lambda u: u.rank or 0,
        )
        if units:
            rows = [(u.spec.name, [float(u.mean_score or 0)]) for u in units]
            charts.append(
                Chart(
                    _("Mean score: %(c)s") % {"c": category.name},
                    _bars(rows, top, [_("mean score")], MEAN_PLACES),
                )
            )
    totals = [sum(u.counts[i] for u in result.units) for i in range(len(result.scheme.marks))]
    grand = sum(totals) or 1
    charts.append(
        Chart(
            _("Marks given"),
            _bars(
                [(_("all units"), [t / grand * 100 for t in totals])],
                100,
                [m.label for m in result.scheme.marks],
                SHARE_PLACES,
            ),
        )
    )
    rows = [(g.name, [float(g.share) * 100]) for g in result.groups]
    rows += [
        (_("target: %(g)s") % {"g": g.name}, [float(g.target_share or 0) * 100])
        for g in result.groups
        if g.target_share is not None
    ]
    if rows:
        charts.append(
            Chart(_("Composition of valid ballots (%)"), _bars(rows, 100, ["%"], SHARE_PLACES))
        )
    return charts


def group_rates_chart(result: TallyResult, groups: Sequence[GroupRates]) -> Chart | None:
    """Satisfaction rate by evaluator group, one bar per category it rated. A suppressed cell
    (rules.suppression: a small group, or the figure that would give one back) gets no bar,
    only a label saying why. None when there is no group."""
    if not groups:
        return None
    k = result.scheme.min_subset_ballots
    rows: list[tuple[str, list[float]]] = []
    for group in groups:
        if group.suppressed:
            label = _(
                "%(g)s (not shown: fewer than %(k)s ballots here, or a smaller group's"
                " figure could be computed from it)"
            ) % {"g": group.group, "k": k}
            rows.append((label, []))
            continue
        for category, rate, hidden in zip(
            result.scheme.categories, group.rates, group.hidden, strict=True
        ):
            name = f"{group.group} · {category.name}"
            if hidden:
                rows.append((_("%(cell)s (not shown)") % {"cell": name}, []))
            elif rate is not None:
                rows.append((name, [float(rate) * 100]))
    places = result.scheme.rate_places
    return Chart(_("Satisfaction rate by evaluator group (%)"), _bars(rows, 100, ["%"], places))


GRADE_COLORS = ("#1a7f37", "#7ac38f", "#d4a72c", "#cf222e")  # 好 较好 一般 较差


def grading_shares_chart(sectors: Sequence[SectorCounts]) -> Chart:
    """P2: each sector's organizations by grade, as stacked bars of shares (%), plus 合计.

    ``sectors`` come from :func:`pingyi.exports.grading_reports.sector_counts`, so the chart
    and the printed 汇总表 count alike; each segment's title (a tooltip) gives its share as
    the table prints it (one decimal), and each row ends with its number of organizations."""
    rows = [*sectors, all_counts(sectors)]
    height = ROW * len(rows) + 30
    span = WIDTH - LABEL - 60
    parts = []
    for i, row in enumerate(rows):
        y, x = i * ROW + 4, float(LABEL)
        segments = []
        for grade, color in zip(GRADES, GRADE_COLORS, strict=True):
            w = span * row.counts[grade] / row.orgs if row.orgs else 0.0
            shown = row.share(grade)
            tip = f"{grade} {float(shown):.1f}%" if shown is not None else grade
            segments.append((f"{x:.1f}", y, f"{w:.1f}", ROW - 6, color, tip))
            x += w
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>{}'
                '<text x="{}" y="{}" font-size="11">{}</text>',
                LABEL - 6,
                y + ROW - 9,
                row.sector,
                format_html_join(
                    "",
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
                    segments,
                ),
                f"{x + 4:.1f}",
                y + ROW - 9,
                row.orgs,
            )
        )
    keys = format_html_join(
        "",
        '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
        '<text x="{}" y="{}" font-size="11">{}</text>',
        (
            (LABEL + 90 * j, height - 14, color, LABEL + 90 * j + 14, height - 5, grade)
            for j, (grade, color) in enumerate(zip(GRADES, GRADE_COLORS, strict=True))
        ),
    )
    svg = format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" xmlns="http://www.w3.org/2000/svg">'
        "{}{}</svg>",
        WIDTH,
        height,
        format_html_join("", "{}", ((p,) for p in parts)),
        keys,
    )
    return Chart(_("Grade shares by sector (%)"), svg)
