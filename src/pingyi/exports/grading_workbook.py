"""The P2 report set as one workbook: one sheet per report of :mod:`grading_reports`.

Written by ``pingyi grade --xlsx`` and by the web app's download alike. Every sheet has its
title on top, a frozen header, widths fitted for Chinese, A4 print setup with the header row
repeated, and its cells written through :mod:`pingyi.exports.xlsx` rules (text stays text, R20).

The workbook streams (xlsxwriter's ``constant_memory``): each row goes to disk once written,
so the 明细表 of 300,000 organizations takes bounded memory. That mode needs rows in order,
so each sheet is written top to bottom (title, header, rows) and its column widths, measured
on the way, are set at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import xlsxwriter

from pingyi.exports.grading_reports import GradingReport, ReportOrg, report_set
from pingyi.exports.xlsx import (
    LINE_HEIGHT,
    WORKBOOK_OPTIONS,
    Format,
    Workbook,
    Worksheet,
    formats,
    merged_text,
    print_setup,
    wrapped_lines,
    write_row,
)
from pingyi.rules.grading import GradingScheme

TITLE_ROW, HEADER_ROW = 0, 1
MIN_WIDTH, MAX_WIDTH = 6, 40
TITLE_HEIGHT = 28


def write_grading_workbook(
    path: Path,
    orgs: Sequence[ReportOrg],
    *,
    scheme: GradingScheme | None = None,
    title: str = "",
) -> None:
    """Writes the report set of ``orgs`` to ``path`` (overwriting it). ``title``, when given,
    names the grading (e.g. the campaign) in the workbook's properties."""
    options = {**WORKBOOK_OPTIONS, "constant_memory": True}
    with xlsxwriter.Workbook(str(path), options) as workbook:
        workbook.set_properties({"title": title or "基层党组织分类定级", "author": "Pingyi 评议"})
        kinds = _kind_formats(workbook)
        for report in report_set(orgs, scheme):
            write_report(workbook, report, kinds)


def _kind_formats(workbook: Workbook) -> dict[str, Format]:
    """Formats of the body cells by column kind. Body cells have no borders: the sheets print
    their gridlines instead, so an empty cell needs no write at all — a third of the 明细表's
    cells in file mode, where self scores, assessments and surveys are unknown."""
    fmt = formats(workbook)
    return {
        "title": fmt.title,
        "header": fmt.header,
        "index": None,
        "int": None,
        "text": None,
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "score": None,  # General: 92, 92.5, 89.99
        "share": workbook.add_format({"num_format": "0.0"}),
        "rate": workbook.add_format({"num_format": "0.00"}),
    }


def write_report(workbook: Workbook, report: GradingReport, kinds: dict[str, Format]) -> int:
    """Writes one report as a sheet, streaming its rows; returns the number of rows."""
    sheet = workbook.add_worksheet(report.sheet)
    columns, header = report.columns, report.header
    merged_text(sheet, TITLE_ROW, 0, len(columns) - 1, report.title, kinds["title"])
    sheet.set_row(TITLE_ROW, TITLE_HEIGHT)
    widths = [c.width or _width(h) for h, c in zip(header, columns, strict=True)]
    lines = max(wrapped_lines(h, w + 2) for h, w in zip(header, widths, strict=True))
    sheet.set_row(HEADER_ROW, LINE_HEIGHT * lines)
    write_row(sheet, HEADER_ROW, header, kinds["header"])
    rows = _write_body(sheet, report, kinds, widths)
    for col, (width, column) in enumerate(zip(widths, columns, strict=True)):
        sheet.set_column(col, col, column.width or min(max(width + 2, MIN_WIDTH), MAX_WIDTH))
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    sheet.hide_gridlines(0)  # shown and printed: the table's rules
    print_setup(sheet, title=report.title, header_rows=0, landscape=report.landscape)
    sheet.repeat_rows(HEADER_ROW)
    return rows


def _write_body(
    sheet: Worksheet, report: GradingReport, kinds: dict[str, Format], widths: list[int]
) -> int:
    """The rows, as fast as xlsxwriter goes: the innermost loop of a 300,000-row sheet.

    Text is written with ``write_string`` (never as a formula, R20), numbers with
    ``write_number``; empty cells are skipped. Widths of the columns without a fixed one grow
    to their longest text; a row with wrapping text is made tall enough for it."""
    cells = [kinds[c.kind] for c in report.columns]
    measured = [not c.width for c in report.columns]
    wraps = [i for i, c in enumerate(report.columns) if c.kind == "wrap"]
    write_string, write_number = sheet.write_string, sheet.write_number
    row = HEADER_ROW
    for row, values in enumerate(report.rows(), start=HEADER_ROW + 1):
        if wraps:
            lines = max(wrapped_lines(str(values[i] or ""), widths[i]) for i in wraps)
            if lines > 1:
                sheet.set_row(row, LINE_HEIGHT * lines)
        for col, value in enumerate(values):
            kind = type(value)
            if type(value) is str:
                if value:
                    write_string(row, col, value, cells[col])
                    if measured[col]:
                        width = (len(value.encode("utf-8")) + len(value)) // 2  # see _width
                        if width > widths[col]:
                            widths[col] = width
            elif kind is int or kind is float or kind is Fraction:
                write_number(row, col, value, cells[col])
            elif value is not None:
                raise TypeError(f"cannot write {kind.__name__} in a report cell")
    return row - HEADER_ROW


def _width(text: str) -> int:
    """Display width of ``text`` in spreadsheet units, cheaply: a character of three UTF-8
    bytes (CJK) counts 2, an ASCII one 1 — fast enough for 300,000 rows."""
    return (len(text.encode("utf-8")) + len(text)) // 2
