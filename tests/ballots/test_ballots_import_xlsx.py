"""Paper ballots from a workbook whose table does not begin at A1, through the import service.

A clerk's sheet often has a title above the table and a margin to its left; every message
must still name the cell as the sheet shows it (row number and column letter), whichever
reader takes the workbook: the plain-XML one, or calamine for a sheet with rich text.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from openpyxl.styles import PatternFill

from pingyi.accounts.actors import Actor
from pingyi.ballots.models import Ballot
from pingyi.ballots.services import ballots_import_file
from pingyi.campaigns.models import Campaign
from pingyi.inputs.xlsx_cells import read_sheet
from pingyi.rules.errors import InputError
from tests.cast import STAFF

pytestmark = pytest.mark.django_db

MARKS = (
    "expected 满意, 基本满意, 不满意, 弃权, satisfied, basically_satisfied, dissatisfied, "
    "abstain, or empty for abstain"
)
GOOD: list[list[object]] = [
    ["ballot_no", "group", "L1", "L2", "V1", "F1"],
    [1, "服务对象", "满意", "基本满意", "不满意", "满意"],
    [2, "干部和各界代表", "满意", None, "满意", "弃权"],
    [3, "服务对象", None, None, None, None],
]


def workbook(path: Path, rows: Sequence[Sequence[object]], row: int, col: int) -> Path:
    """The rows from the cell (row, col), 1-based; A1 coloured, as a clerk's sheet may be."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"].fill = PatternFill("solid", fgColor="FFFF00")  # formatted, empty
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value is not None:
                sheet.cell(row=row + r, column=col + c, value=value)
    book.save(path)
    return path


def with_rich_text(path: Path, rows: Sequence[Sequence[object]], row: int, col: int) -> Path:
    """The same sheet with its first mark in inline rich text (满 plain, 意 bold), which the
    plain-XML reader leaves to calamine."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    bold = book.add_format({"bold": True})
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if (r, c) == (1, 2):
                sheet.write_rich_string(row - 1 + r, col - 1 + c, "满", bold, "意")
            elif value is not None:
                sheet.write(row - 1 + r, col - 1 + c, value)
    book.close()
    with zipfile.ZipFile(path) as archive:
        refused = InputError([])
        assert read_sheet(archive, limit=10, too_many=refused, formula=lambda c: refused) is None
    return path


def refusal(campaign: Campaign, path: Path) -> list[str]:
    with pytest.raises(InputError) as refused:
        ballots_import_file(
            campaign=campaign, path=path, label=path.name, actor=Actor.operator(STAFF)
        )
    return refused.value.messages()


WRITERS = {"plain": workbook, "rich-text": with_rich_text}


@pytest.mark.parametrize("write", WRITERS.values(), ids=WRITERS.keys())
def test_a_table_at_b3_is_imported_and_a_second_import_names_its_sheet_rows(
    campaign: Campaign, tmp_path: Path, write: type[workbook]
) -> None:
    path = write(tmp_path / "ballots.xlsx", GOOD, 3, 2)

    first = ballots_import_file(
        campaign=campaign, path=path, label=path.name, actor=Actor.operator(STAFF)
    )
    again = ballots_import_file(
        campaign=campaign, path=path, label=path.name, actor=Actor.operator(STAFF)
    )

    assert (first.imported, first.invalid) == (3, 1)
    assert Ballot.objects.filter(campaign=campaign).count() == 3
    assert [(r.row, r.ballot_no) for r in again.rejected] == [(4, "1"), (5, "2"), (6, "3")]


@pytest.mark.parametrize("write", WRITERS.values(), ids=WRITERS.keys())
def test_bad_marks_and_groups_in_a_table_at_b3_name_their_cells(
    campaign: Campaign, tmp_path: Path, write: type[workbook]
) -> None:
    rows = [list(r) for r in GOOD]
    rows[2][4] = "好"  # V1 of ballot 2: sheet row 5, column F
    rows[3][1] = "游客"  # group of ballot 3: sheet row 6, column C
    path = write(tmp_path / "ballots.xlsx", rows, 3, 2)

    assert refusal(campaign, path) == [
        f"ballots.xlsx, row 5, column F (V1): unknown mark '好'; {MARKS}",
        "ballots.xlsx, row 6, column C (group): unknown evaluator group '游客'; "
        "expected one of: 服务对象, 干部和各界代表",
    ]
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("write", WRITERS.values(), ids=WRITERS.keys())
def test_empty_leading_rows_and_columns_keep_header_problems_in_their_cells(
    campaign: Campaign, tmp_path: Path, write: type[workbook]
) -> None:
    rows = [list(r) for r in GOOD]
    rows[0][3] = "X9"  # the header's fourth cell: row 5, column G
    path = write(tmp_path / "ballots.xlsx", rows, 5, 4)

    assert refusal(campaign, path) == [
        "ballots.xlsx, row 5, column G (X9): 'X9' is not a unit code of the units file "
        "(nor ballot_no or group)"
    ]


@pytest.mark.parametrize("write", WRITERS.values(), ids=WRITERS.keys())
def test_a_value_right_of_a_table_at_d5_names_its_cell(
    campaign: Campaign, tmp_path: Path, write: type[workbook]
) -> None:
    rows = [list(r) for r in GOOD]
    rows[2] = [*rows[2], None, "备注"]  # two columns right of F1's: row 7, column K
    path = write(tmp_path / "ballots.xlsx", rows, 5, 4)

    assert refusal(campaign, path) == [
        "ballots.xlsx, row 7, column K: a value stands outside the header's columns"
    ]


@pytest.mark.parametrize("write", WRITERS.values(), ids=WRITERS.keys())
def test_an_empty_ballot_number_in_a_table_at_b3_names_its_row(
    campaign: Campaign, tmp_path: Path, write: type[workbook]
) -> None:
    rows = [list(r) for r in GOOD]
    rows[3][0] = None  # ballot 3's number: row 6, column B
    path = write(tmp_path / "ballots.xlsx", rows, 3, 2)

    assert refusal(campaign, path) == [
        "ballots.xlsx, row 6, column B (ballot_no): the ballot number is empty"
    ]
