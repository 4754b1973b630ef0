"""The P1 results report a leader prints (A4, Chinese): the results workbook, laid out as pages.

Written by the staff results page (``format=pdf``). Every row, label and consequence comes from
the helpers of :mod:`pingyi.exports.results_workbook`, in the workbook's order — the summary
(ballots, composition by group, outcomes and consequences, notes), then one table per category
— so that the PDF and the workbook say the same thing. Numbers are shown as the workbook's
number formats show them: rounded half away from zero, rates as published.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from pingyi.exports.pdf import MARGIN, escape, headed_table, register_cjk_font, styles, write_story
from pingyi.exports.results_workbook import (
    BALLOT_HEADER,
    BALLOTS_TITLE,
    DEFAULT_TITLE,
    FLAG_LABELS,
    GROUP_HEADER,
    GROUPS_TITLE,
    OUTCOME_HEADER,
    OUTCOMES_TITLE,
    SUMMARY_FLAGS,
    ballot_rows,
    category_header,
    category_kinds,
    category_row,
    group_rows,
    outcome_rows,
    ranked,
    rules_notes,
    runs,
)
from pingyi.rules.scheme import MEAN_PLACES, CategoryRule
from pingyi.rules.tally import TallyResult, round_fraction

CATEGORIES_TITLE = "四、各类别评议结果"
TOTAL = "合计"
# The workbook's category sheets also show the unit code and the score; on paper the mean says
# what the score does and the code is for data entry, so the printed table leaves them out.
OMITTED_KINDS = frozenset({"code", "score"})
WIDTH = A4[0] - 2 * MARGIN
TABLE_SIZE = 9
# Widths of the category table's columns by kind; the unit's name takes what is left.
KIND_WIDTHS = {"rank": 9 * mm, "mark": 15 * mm, "valid": 12 * mm, "mean": 15 * mm}
KIND_WIDTHS |= {"rate": 16 * mm, "conclusion": 28 * mm}
# The workbook's number formats: 0.0% for shares, 0.00 for scores, 0.0000 for means.
SHARE_PLACES = 1
CENTRED = ("ALIGN", (0, 1), (-1, -1), "CENTER")
NARROW = [("LEFTPADDING", (0, 1), (-1, -1), 3), ("RIGHTPADDING", (0, 1), (-1, -1), 3)]


def write_results_pdf(
    path: Path, result: TallyResult, *, title: str, issued: int | None = None
) -> None:
    """Writes the results of one tally to ``path`` (overwriting it); ``issued``, when known,
    is the number of ballot forms handed out, as in the workbook."""
    font = register_cjk_font()
    title = title or DEFAULT_TITLE
    report = ResultsReport(result, title=title, issued=issued, font=font)
    write_story(path, report.story, title=title, font=font)


def fixed(value: Fraction, places: int) -> str:
    """``value`` with ``places`` decimals, rounded half away from zero as Excel shows it."""
    return f"{float(round_fraction(value, places)):.{places}f}"


def percent(value: Fraction | None, places: int) -> str:
    return "" if value is None else fixed(value * 100, places) + "%"


class ResultsReport:
    """The printed results of a P1 campaign as flowables; the official notice (notices.exports)
    extends it, so that the notice and the staff's report print the same tables."""

    def __init__(self, result: TallyResult, *, title: str, issued: int | None, font: str) -> None:
        self.result, self.title, self.issued, self.font = result, title, issued, font
        self.style = styles(font)
        self.cell = self.style.small  # table text, at the tables' size
        # Centred, so that a header wrapped in a narrow column (基本 / 满意) stays tidy.
        self.header = ParagraphStyle("results-header", parent=self.cell, alignment=TA_CENTER)
        self.rate_places = result.scheme.rate_places

    def story(self) -> list[Flowable]:
        story: list[Flowable] = [
            Paragraph(escape(self.title), self.style.title),
            self._ballots(),
            Spacer(1, 4 * mm),
            self._groups(),
            Spacer(1, 4 * mm),
            self._outcomes(),
            Spacer(1, 3 * mm),
            *(Paragraph(escape(line), self.style.small) for line in rules_notes(self.result)),
            Spacer(1, 2 * mm),
            Paragraph(escape(CATEGORIES_TITLE), self.style.heading),
        ]
        for rule in self.result.scheme.categories:
            story += [Spacer(1, 3 * mm), self._category(rule)]
        return story

    # ------------------------------------------------------------------------ summary

    def _text(self, text: str) -> Paragraph:
        return Paragraph(escape(text), self.cell)

    def _table(
        self,
        heading: str,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        extra: Sequence[tuple[Any, ...]] = (),
    ) -> Table:
        return headed_table(
            Paragraph(escape(heading), self.style.heading),
            header,
            rows,
            widths=widths,
            font=self.font,
            size=TABLE_SIZE,
            extra=extra,
        )

    def _ballots(self) -> Table:
        rows = [
            [name, str(count), self._text(note)]
            for name, count, note in ballot_rows(self.result, self.issued)
        ]
        widths = [40 * mm, 25 * mm, WIDTH - 65 * mm]
        return self._table(BALLOTS_TITLE, BALLOT_HEADER, rows, widths, [CENTRED])

    def _groups(self) -> Table:
        rows: list[list[Any]] = [
            [
                self._text(g.name),
                str(g.ballots),
                percent(g.share, SHARE_PLACES),
                percent(g.target, SHARE_PLACES),
                percent(g.gap, SHARE_PLACES),
            ]
            for g in group_rows(self.result)
        ]
        valid = self.result.valid_ballots
        whole = percent(Fraction(1) if valid else None, SHARE_PLACES)
        rows.append([TOTAL, str(valid), whole, "", ""])
        widths = [WIDTH - 4 * 28 * mm, *[28 * mm] * 4]
        return self._table(GROUPS_TITLE, GROUP_HEADER, rows, widths, [CENTRED])

    def _outcomes(self) -> Table:
        """结论 | 类别 | 单位 | 奖惩措施; a flag's label, and a consequence its categories
        share, are said once for the block, as the workbook merges them."""
        rows: list[list[Any]] = []
        spans: list[tuple[Any, ...]] = []
        outcomes = outcome_rows(self.result)
        for flag in SUMMARY_FLAGS:
            block = [r for r in outcomes if r.flag == flag]
            first = len(rows) + 2  # the table's heading and header rows come first
            for item in block:
                cells = [item.category, item.units, item.consequence]
                rows.append([FLAG_LABELS[flag], *(self._text(c) for c in cells)])
            spans.append(("SPAN", (0, first), (0, first + len(block) - 1)))
            for start, end in runs([r.consequence for r in block]):
                spans.append(("SPAN", (3, first + start), (3, first + end)))
        widths = [24 * mm, 30 * mm, WIDTH - 114 * mm, 60 * mm]
        header = ("ALIGN", (0, 1), (-1, 1), "CENTER")
        return self._table(OUTCOMES_TITLE, OUTCOME_HEADER, rows, widths, [header, *spans])

    # ---------------------------------------------------------------------- categories

    def _category(self, rule: CategoryRule) -> Table:
        """The category's units by rank, the workbook's columns less code and score."""
        kinds = category_kinds(self.result)
        keep = [i for i, kind in enumerate(kinds) if kind not in OMITTED_KINDS]
        header = category_header(self.result)
        rows = [
            [self._cell(kinds[i], values[i]) for i in keep]
            for values in (category_row(self.result, u) for u in ranked(self.result, rule))
        ]
        fixed_width = sum(KIND_WIDTHS.get(kinds[i], 0) for i in keep)
        widths = [KIND_WIDTHS.get(kinds[i], WIDTH - fixed_width) for i in keep]
        name = keep.index(kinds.index("name"))
        return headed_table(
            Paragraph(escape(rule.name), self.style.heading),
            [Paragraph(escape(header[i]), self.header) for i in keep],
            rows,
            widths=widths,
            font=self.font,
            size=TABLE_SIZE,
            extra=[CENTRED, *NARROW, ("ALIGN", (name, 2), (name, -1), "LEFT")],
        )

    def _cell(self, kind: str, value: object) -> Any:
        if value is None:
            return ""
        if kind in ("name", "conclusion"):
            return self._text(str(value))
        if kind == "mean" and isinstance(value, Fraction):
            return fixed(value, MEAN_PLACES)
        if kind == "rate" and isinstance(value, Fraction):
            return percent(value, self.rate_places)
        return str(value)
