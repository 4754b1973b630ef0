"""Workbooks read by the plain-XML reader (xlsx_cells) read exactly as calamine reads them.

Every workbook here is written by a real library (openpyxl, xlsxwriter) and read twice through
``read_table``: once as it comes (the plain-XML reader takes it), once with that reader turned
away, so that calamine reads it. The two tables must be the same, header, cells, row numbers and
the sheet's origin alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import xlsxwriter
from openpyxl.styles import Font, PatternFill

from pingyi.inputs import tables
from pingyi.inputs.tables import Table, read_table
from pingyi.rules.errors import InputError
from tests.inputs.test_p1_files import NoParsing

Rows = Sequence[Sequence[object]]

MIXED: Rows = [
    ["ballot_no", "group", "U1", "U2"],
    [1, "服务对象", "满意", None],
    [2.0, " 干部和各界代表 ", "a & b <c>", True],
    [2.5, None, "第一行\n第二行", False],
    [None, None, None, None],
    ["A-3", "服务对象", "  ", 1e20],
    [-7, '_x0041_ 与 "引号"', "满意", 0.1],
]


def openpyxl_file(path: Path, rows: Rows, *, at: tuple[int, int] = (1, 1)) -> Path:
    """Inline strings (openpyxl writes no shared strings), from the cell ``at`` (row, col)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.cell(row=at[0] + r, column=at[1] + c, value=value)
    workbook.save(path)
    return path


def xlsxwriter_file(
    path: Path, rows: Rows, *, at: tuple[int, int] = (1, 1), **options: bool
) -> Path:
    """Shared strings, as Excel and WPS write them (or inline ones in constant_memory)."""
    workbook = xlsxwriter.Workbook(str(path), options)
    sheet = workbook.add_worksheet("选票")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(at[0] - 1 + r, at[1] - 1 + c, value)
    workbook.close()
    return path


def both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Table, Table]:
    """The table as read (by the plain-XML reader) and as calamine reads it."""
    with monkeypatch.context() as patched:
        patched.setattr("python_calamine.CalamineWorkbook", NoParsing)
        plain = read_table(path)
    with monkeypatch.context() as patched:
        patched.setattr("pingyi.inputs.xlsx_cells.read_sheet", lambda *a, **k: None)
        calamine = read_table(path)
    return plain, calamine


def same(a: Table, b: Table) -> None:
    assert (a.header, a.header_row, a.first_column) == (b.header, b.header_row, b.first_column)
    assert a.frame.equals(b.frame), (a.frame, b.frame)


Writer = Callable[..., Path]
WRITERS: dict[str, Writer] = {
    "openpyxl": openpyxl_file,
    "xlsxwriter": xlsxwriter_file,
    "xlsxwriter-constant-memory": lambda p, rows, **k: xlsxwriter_file(
        p, rows, constant_memory=True, **k
    ),
}


@pytest.mark.parametrize("writer", WRITERS.values(), ids=WRITERS.keys())
def test_numbers_booleans_entities_and_line_breaks_read_as_calamine_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: Writer
) -> None:
    plain, calamine = both_ways(writer(tmp_path / "mixed.xlsx", MIXED), monkeypatch)

    same(plain, calamine)
    assert plain.frame.rows()[:4] == [
        ("1", "服务对象", "满意", None, 2),
        ("2", "干部和各界代表", "a & b <c>", "true", 3),
        ("2.5", None, "第一行\n第二行", "false", 4),
        ("A-3", "服务对象", None, "100000000000000000000", 6),
    ]
    assert plain.frame.row(4)[2:] == ("满意", "0.1", 7)


@pytest.mark.parametrize("writer", WRITERS.values(), ids=WRITERS.keys())
def test_a_sheet_that_begins_at_c4_keeps_its_row_numbers_and_column_letters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: Writer
) -> None:
    plain, calamine = both_ways(writer(tmp_path / "c4.xlsx", MIXED, at=(4, 3)), monkeypatch)

    same(plain, calamine)
    assert (plain.header_row, plain.first_column) == (4, 2)
    assert plain.frame.get_column(tables.ROW).to_list() == [5, 6, 7, 9, 10]
    assert plain.where(row=7, index=3).column == "F"


def test_a_formatted_empty_cell_before_the_table_does_not_move_its_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A1 and A9 are coloured but empty: Excel's dimension then starts at A1; the table at C4.
    path = openpyxl_file(tmp_path / "styled.xlsx", MIXED, at=(4, 3))
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"].fill = PatternFill("solid", fgColor="FFFF00")
    sheet["A9"].font = Font(bold=True)
    workbook.save(path)

    plain, calamine = both_ways(path, monkeypatch)

    same(plain, calamine)
    assert (plain.header_row, plain.first_column) == (4, 2)


def test_a_date_cell_is_left_to_calamine_and_reads_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = openpyxl_file(
        tmp_path / "dates.xlsx", [["code", "established_on"], ["U1", dt.date(2026, 3, 1)]]
    )
    with monkeypatch.context() as patched:
        patched.setattr("pingyi.inputs.xlsx_cells.read_sheet", lambda *a, **k: None)
        calamine = read_table(path)

    table = read_table(path)

    same(table, calamine)
    assert table.frame.rows() == [("U1", "2026-03-01", 2)]


def test_an_empty_sheet_is_refused_by_either_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = openpyxl_file(tmp_path / "empty.xlsx", [])
    for reader in (None, lambda *a, **k: None):
        with monkeypatch.context() as patched:
            if reader is not None:
                patched.setattr("pingyi.inputs.xlsx_cells.read_sheet", reader)
            with pytest.raises(InputError) as refused:
                read_table(path)
        assert refused.value.messages() == [
            "empty.xlsx: the file is empty; expected a header row and data rows"
        ]


def test_a_large_plain_sheet_is_read_in_blocks_as_calamine_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pingyi.inputs.xlsx_cells.BLOCK", 4096)  # many blocks, rows cut across
    rows: list[list[object]] = [["ballot_no", "group", "U1", "U2", "U3"]]
    marks = ["满意", "基本满意", None, "不满意", "弃权"]
    for n in range(1, 2001):
        rows.append([n, "服务对象", marks[n % 5], marks[n % 3], marks[n % 4]])
    path = xlsxwriter_file(tmp_path / "large.xlsx", rows, at=(2, 2))

    plain, calamine = both_ways(path, monkeypatch)

    same(plain, calamine)
    assert plain.frame.height == 2000
    assert plain.frame.select(pl.col(tables.ROW).max()).item() == 2002
