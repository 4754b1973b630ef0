"""The P2 report set as a printable PDF (A4, Chinese): the workbook's tables, laid out as pages.

Every table comes from :mod:`pingyi.exports.grading_reports`, in the workbook's order, so the
PDF and the workbook say the same thing: the summary with a chart of grade shares by sector on
the first page (portrait), then each table from a new page — landscape where it is wide —
with its heading and column headers repeated on every page it runs onto. Numbers are printed
as the workbook shows them. Text from users passes through :func:`pdf.escape` (R22).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)

from pingyi.exports.grading_reports import (
    Column,
    GradingReport,
    ReportOrg,
    SectorCounts,
    SummaryReport,
    all_counts,
    report_set,
    sector_counts,
)
from pingyi.exports.pdf import (
    AUTHOR,
    MARGIN,
    draw_footer,
    escape,
    headed_table,
    register_cjk_font,
    styles,
)
from pingyi.exports.xlsx import Cell, display_width
from pingyi.rules.grading import GRADES, GradingScheme

DEFAULT_TITLE = "基层党组织分类定级报表"
CHART_TITLE = "各领域等次占比（%）"
CONTINUED = "{title}（续）"
TABLE_SIZE = 8.5
# A table longer than this is printed as several tables, each a heading "（续）": reportlab
# lays out a table's remaining rows again at every page break, which grows with the square
# of a single table's length.
CHUNK_ROWS = 400
KIND_WIDTHS = {"index": 9 * mm, "int": 15 * mm, "score": 14 * mm}
KIND_WIDTHS |= {"share": 17 * mm, "rate": 16 * mm}
MAX_TEXT_WEIGHT = 24
SAMPLE_ROWS = 200  # rows looked at to share the page's width among text columns
GRADE_COLORS = {"好": "#1a7f37", "较好": "#7ac38f", "一般": "#d4a72c", "较差": "#cf222e"}
PORTRAIT, LANDSCAPE = "portrait", "landscape"


def write_grading_pdf(
    path: Path,
    orgs: Sequence[ReportOrg],
    *,
    scheme: GradingScheme | None = None,
    title: str = "",
) -> int:
    """Writes the report set of ``orgs`` to ``path`` (overwriting it); returns the pages."""
    font = register_cjk_font()
    title = title or DEFAULT_TITLE
    report = _Report(report_set(orgs, scheme), orgs, title=title, font=font)
    doc = _Document(title=title, font=font)
    pages = doc.build(io.BytesIO(), report.story(), total=0)
    with path.open("wb") as stream:
        doc.build(stream, report.story(), total=pages)
    return pages


# ------------------------------------------------------------------------------ numbers


def cell_text(kind: str, value: Cell) -> str:
    """A cell as the workbook's number formats show it: shares with one decimal, rates with
    two, scores as they are (already cut to two decimals), counts as integers."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if kind == "share":
        return f"{float(value):.1f}"
    if kind == "rate":
        return f"{float(value):.2f}"
    if kind == "score":
        return f"{float(value):.2f}".rstrip("0").rstrip(".")
    return str(int(value)) if isinstance(value, int | Fraction) else f"{value:g}"


# ------------------------------------------------------------------------------ chart


def share_chart(sectors: Sequence[SectorCounts], *, font: str, width: float) -> Drawing:
    """Stacked horizontal bars: each sector's (and 合计's) organizations by grade, in percent
    of the sector, with the percentage written in each segment wide enough for it."""
    rows = [*sectors, all_counts(sectors)]
    label_width, bar_height, gap = 32 * mm, 6 * mm, 2.5 * mm
    span = width - label_width - 4 * mm
    height = len(rows) * (bar_height + gap) + 10 * mm
    drawing = Drawing(width, height)
    for i, row in enumerate(rows):
        y = height - (i + 1) * (bar_height + gap)
        drawing.add(
            String(label_width - 2 * mm, y + 1.8 * mm, row.sector, fontName=font, fontSize=8,
                   textAnchor="end")
        )  # fmt: skip
        x = label_width
        for grade in GRADES:
            part = Fraction(row.counts[grade], row.orgs) if row.orgs else Fraction(0)
            w = float(span * part)
            color = colors.HexColor(GRADE_COLORS[grade])
            drawing.add(_box(x, y, w, bar_height, color))
            shown = row.share(grade)
            if shown is not None and w > 11 * mm:
                drawing.add(
                    String(x + w / 2, y + 1.8 * mm, f"{float(shown):.1f}", fontName=font,
                           fontSize=7, fillColor=colors.white, textAnchor="middle")
                )  # fmt: skip
            x += w
    for j, grade in enumerate(GRADES):
        x = label_width + j * 24 * mm
        drawing.add(_box(x, 1 * mm, 3 * mm, 3 * mm, colors.HexColor(GRADE_COLORS[grade])))
        drawing.add(String(x + 4.5 * mm, 1.3 * mm, grade, fontName=font, fontSize=8))
    return drawing


def _box(x: float, y: float, width: float, height: float, color: colors.Color) -> Rect:
    box = Rect(x, y, width, height)
    box.fillColor, box.strokeColor = color, None
    return box


# ------------------------------------------------------------------------------ story


class _Report:
    def __init__(
        self, reports: list[GradingReport], orgs: Sequence[ReportOrg], *, title: str, font: str
    ) -> None:
        self.reports, self.orgs, self.title, self.font = reports, orgs, title, font
        self.style = styles(font)
        self.cell = ParagraphStyle("grading-cell", parent=self.style.small, fontSize=TABLE_SIZE,
                                   leading=TABLE_SIZE + 2.5)  # fmt: skip
        self.header = ParagraphStyle("grading-header", parent=self.cell, alignment=TA_CENTER)

    def story(self) -> list[Flowable]:
        story: list[Flowable] = [Paragraph(escape(self.title), self.style.title)]
        for n, report in enumerate(self.reports):
            orientation = LANDSCAPE if report.landscape else PORTRAIT
            if n:
                story += [NextPageTemplate(orientation), PageBreak()]
            width = _page(orientation)[0] - 2 * MARGIN
            story += self._tables(report, width)
            if isinstance(report, SummaryReport):
                story += [
                    Spacer(1, 6 * mm),
                    Paragraph(escape(CHART_TITLE), self.style.heading),
                    Spacer(1, 2 * mm),
                    share_chart(sector_counts(self.orgs), font=self.font, width=width),
                ]
        return story

    def _tables(self, report: GradingReport, width: float) -> Iterator[Flowable]:
        columns = report.columns
        rows = list(report.rows())
        widths = column_widths(columns, report.header, rows[:SAMPLE_ROWS], width)
        header = [Paragraph(escape(h), self.header) for h in report.header]
        centred = [
            ("ALIGN", (i, 2), (i, -1), "CENTER" if c.kind in ("index", "text") else "RIGHT")
            for i, c in enumerate(columns)
            if c.kind not in ("wrap", "text")
        ]
        for start in range(0, max(len(rows), 1), CHUNK_ROWS):
            heading = report.title if start == 0 else CONTINUED.format(title=report.title)
            body = [
                [self._cell(c, v) for c, v in zip(columns, row, strict=True)]
                for row in rows[start : start + CHUNK_ROWS]
            ]
            yield headed_table(
                Paragraph(escape(heading), self.style.heading),
                header,
                body,
                widths=widths,
                font=self.font,
                size=TABLE_SIZE,
                padding=2,
                extra=[("VALIGN", (0, 1), (-1, 1), "MIDDLE"), *centred],
            )

    def _cell(self, column: Column, value: Cell) -> Any:
        text = cell_text(column.kind, value)
        if column.kind in ("text", "wrap") and text:
            return Paragraph(escape(text), self.cell)
        return text


def column_widths(
    columns: Sequence[Column], header: Sequence[str], sample: Sequence[Sequence[Cell]], width: float
) -> list[float]:
    """Numbers get fixed widths; text columns share the rest by how wide their text runs
    (header and a sample of rows, capped), wrapping columns by their workbook width."""
    fixed = [KIND_WIDTHS.get(c.kind) for c in columns]
    weights = []
    for i, column in enumerate(columns):
        if fixed[i] is not None:
            weights.append(0)
            continue
        if column.kind == "wrap":
            weights.append(column.width)
            continue
        texts = [header[i], *(str(row[i] or "") for row in sample)]
        weights.append(min(max(display_width(t) for t in texts), MAX_TEXT_WEIGHT) + 2)
    room = width - sum(f for f in fixed if f is not None)
    total = sum(weights) or 1
    return [f if f is not None else room * w / total for f, w in zip(fixed, weights, strict=True)]


# ------------------------------------------------------------------------------ pages


def _page(orientation: str) -> tuple[float, float]:
    return landscape(A4) if orientation == LANDSCAPE else A4


class _Document:
    """Numbered pages in two orientations (pdf.write_story has one): the footer of each page
    says 第 N 页，共 M 页 once a first pass has counted the pages."""

    def __init__(self, *, title: str, font: str) -> None:
        self.title, self.font = title, font

    def build(self, stream: BinaryIO, flowables: list[Flowable], *, total: int) -> int:
        doc = BaseDocTemplate(
            stream, pagesize=A4, title=self.title, author=AUTHOR, invariant=True,
            leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN + 5 * mm,
        )  # fmt: skip
        doc.addPageTemplates([self._template(o, total) for o in (PORTRAIT, LANDSCAPE)])
        doc.build(flowables)
        return int(doc.page)

    def _template(self, orientation: str, total: int) -> PageTemplate:
        width, height = _page(orientation)
        frame = Frame(
            MARGIN, MARGIN + 5 * mm, width - 2 * MARGIN, height - 2 * MARGIN - 5 * mm,
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
        )  # fmt: skip

        def footer(canvas: Canvas, doc: Any) -> None:
            draw_footer(
                canvas, font=self.font, title=self.title, page=int(doc.page), total=total,
                width=width,
            )  # fmt: skip

        return PageTemplate(id=orientation, frames=[frame], onPage=footer, pagesize=(width, height))
