"""The one way Pingyi writes a workbook: text stays text, numbers stay numbers (R20).

Every xlsx Pingyi produces opens through :func:`open_workbook` and writes its cells through
:func:`write_row`, so a unit named ``=HYPERLINK(...)``, ``+1`` or ``@SUM(A1)`` is stored as a
string cell and never becomes a formula, a link or a number — headers included. The only
formulas in a Pingyi workbook are those it writes itself on purpose (a data validation rule).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import xlsxwriter

Cell = str | int | float | Fraction | None
Format = Any  # xlsxwriter.format.Format (xlsxwriter ships no type information)
Worksheet = Any  # xlsxwriter.worksheet.Worksheet
Workbook = Any  # xlsxwriter.Workbook

WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
A4 = 9  # xlsxwriter's paper code
LINE_HEIGHT = 15  # points per line of 11-point text, CJK included
MAX_SHEET_NAME = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def open_workbook(path: Path) -> Workbook:
    """A workbook that writes every string as text; use it as a context manager."""
    return xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)


@dataclass(frozen=True)
class Formats:
    """The formats every Pingyi sheet shares; :func:`formats` makes them for one workbook."""

    title: Format
    header: Format
    text: Format
    wrap: Format
    integer: Format
    decimal: Format  # two decimals
    fine: Format  # four decimals, for means
    percent: Format  # 0.0%, for shares
    bold: Format

    def rate(self, workbook: Workbook, decimals: int | None) -> Format:
        """A percent format with ``decimals`` places of a percent (None: two)."""
        places = 2 if decimals is None else decimals
        pattern = "0." + "0" * places + "%" if places else "0%"
        return workbook.add_format({"num_format": pattern, "border": 1})


def formats(workbook: Workbook) -> Formats:
    cell = {"border": 1, "valign": "vcenter"}
    return Formats(
        title=workbook.add_format({"bold": True, "font_size": 16, "align": "center"}),
        header=workbook.add_format(
            {**cell, "bold": True, "text_wrap": True, "align": "center", "bg_color": "#D9E1F2"}
        ),
        text=workbook.add_format(cell),
        wrap=workbook.add_format({**cell, "text_wrap": True}),
        integer=workbook.add_format({**cell, "num_format": "0"}),
        decimal=workbook.add_format({**cell, "num_format": "0.00"}),
        fine=workbook.add_format({**cell, "num_format": "0.0000"}),
        percent=workbook.add_format({**cell, "num_format": "0.0%"}),
        bold=workbook.add_format({"bold": True}),
    )


def write_cell(sheet: Worksheet, row: int, col: int, value: Cell, fmt: Format = None) -> None:
    """Writes by Python type, never by what a string looks like; "" is a blank cell."""
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        sheet.write_string(row, col, value, fmt)
    elif isinstance(value, bool):  # a bool is an int: refuse it rather than write 1/0
        raise TypeError("write booleans as text (是/否)")
    else:
        sheet.write_number(row, col, float(value), fmt)


def write_row(
    sheet: Worksheet,
    row: int,
    values: Sequence[Cell],
    fmt: Format | Sequence[Format] = None,
    *,
    col: int = 0,
) -> None:
    """Writes ``values`` from ``col`` on; ``fmt`` is one format or one per value."""
    per_cell = fmt if isinstance(fmt, list | tuple) else [fmt] * len(values)
    for offset, (value, cell_format) in enumerate(zip(values, per_cell, strict=True)):
        write_cell(sheet, row, col + offset, value, cell_format)


def merged_text(
    sheet: Worksheet,
    row: int,
    first_col: int,
    last_col: int,
    text: str,
    fmt: Format,
    *,
    last_row: int | None = None,
) -> None:
    """Writes ``text`` as a string into a merged range (a single cell when it is one)."""
    last_row = row if last_row is None else last_row
    if (last_row, last_col) != (row, first_col):
        sheet.merge_range(row, first_col, last_row, last_col, "", fmt)
    sheet.write_string(row, first_col, text, fmt)


def wrapped_lines(text: str, width: int) -> int:
    """How many lines ``text`` takes in a wrapping column ``width`` units wide (roughly)."""
    usable = max(width - 1, 1)
    return sum(max(-(-display_width(line) // usable), 1) for line in text.splitlines() or [""])


def display_width(text: str) -> int:
    """Width in spreadsheet character units: a CJK (wide or full-width) character counts 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    return f"{float(value):.4f}"


def fit_columns(
    sheet: Worksheet,
    rows: Iterable[Sequence[Cell]],
    *,
    minimum: int = 6,
    maximum: int = 50,
    col: int = 0,
) -> None:
    """Sets each column's width to fit its longest cell (of ``rows``), within bounds."""
    widths: dict[int, int] = {}
    for values in rows:
        for offset, value in enumerate(values):
            lines = cell_text(value).splitlines() or [""]
            width = max(display_width(line) for line in lines)
            widths[offset] = max(widths.get(offset, 0), width)
    for offset, width in widths.items():
        sheet.set_column(col + offset, col + offset, min(max(width + 2, minimum), maximum))


def print_setup(
    sheet: Worksheet,
    *,
    title: str,
    header_rows: int = 1,
    landscape: bool = False,
) -> None:
    """A4, one page wide, header rows repeated, title on top and page numbers at the bottom."""
    sheet.set_paper(A4)
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    if header_rows:
        sheet.repeat_rows(0, header_rows - 1)
    sheet.center_horizontally()
    sheet.set_margins(left=0.5, right=0.5, top=0.8, bottom=0.8)
    # "&" starts a control code in Excel's header language; a literal one is written "&&".
    sheet.set_header("&C&14" + title.replace("&", "&&")[:200])
    sheet.set_footer("&C第 &P 页，共 &N 页")


def freeze_header(sheet: Worksheet, rows: int = 1, cols: int = 0) -> None:
    sheet.freeze_panes(rows, cols)


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unused sheet name for ``text`` (Excel: ≤ 31 characters, no []:*?/\\)."""
    base = _SHEET_NAME_FORBIDDEN.sub("_", text).strip("'") or "Sheet"
    name = base[:MAX_SHEET_NAME]
    number = 2
    while name.casefold() in {t.casefold() for t in taken}:
        suffix = f"({number})"
        name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
        number += 1
    taken.add(name)
    return name


def drop_down(
    sheet: Worksheet, col: int, items: Sequence[str], *, title: str, rows: int = 500
) -> None:
    """A list validation on rows 2..``rows`` + 1 of column ``col``: the cell offers ``items``
    (written inline, so each list must stay under Excel's 255 characters)."""
    sheet.data_validation(
        1, col, rows, col,
        {
            "validate": "list",
            "source": list(items),
            "error_title": title[:32],
            "error_message": ("请从下拉列表中选择：" + "、".join(items))[:200],
        },
    )  # fmt: skip
