"""The P1 input files (SPEC P1, "Files and the headless command"), read from real files.

Every refusal names where the problem is — file, row, column letter and header — because a
clerk with 1,200 paper ballots in a spreadsheet has to find the one cell that is wrong.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import openpyxl
import polars as pl
import pytest

from pingyi.inputs import tables
from pingyi.inputs.p1_files import BallotRows, read_ballots, read_units
from pingyi.rules.errors import InputError
from pingyi.rules.scheme import builtin_scheme
from pingyi.rules.tally import BLANK, UnitSpec
from tests.inputs.xls import write_xls

SCHEME = builtin_scheme()
CODES = ["U1", "U2", "U3"]
MARKS_EXPECTED = (
    "expected 满意, 基本满意, 不满意, 弃权, satisfied, basically_satisfied, dissatisfied, "
    "abstain, or empty for abstain"
)


def csv_file(folder: Path, name: str, text: str, *, bom: bool = False) -> Path:
    path = folder / name
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8", newline="")
    return path


def xlsx_file(folder: Path, name: str, rows: Sequence[Sequence[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    path = folder / name
    workbook.save(path)
    return path


def units_of(path: Path) -> list[UnitSpec]:
    return read_units(path, SCHEME)


def ballots_of(path: Path, codes: Sequence[str] = CODES) -> BallotRows:
    return read_ballots(path, list(codes), SCHEME)


def refusal(read: Callable[[], object]) -> list[str]:
    """The messages with which ``read`` refuses its file."""
    with pytest.raises(InputError) as caught:
        read()
    return caught.value.messages()


def rewrite_member(path: Path, member: str, edit: Callable[[bytes], bytes]) -> None:
    """Rewrites one member of a zip (an xlsx) in place."""
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            target.writestr(name, edit(data) if name == member else data)


SHEET = "xl/worksheets/sheet1.xml"


class NoParsing:
    """Stands in for the workbook parser where a file must be refused before parsing."""

    @staticmethod
    def from_path(path: str) -> None:
        raise AssertionError("the workbook was handed to the parser")


def forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither calamine nor the plain-XML reader (xlsx_cells) may see the workbook."""
    monkeypatch.setattr("python_calamine.CalamineWorkbook", NoParsing)

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the sheet was handed to the reader")

    monkeypatch.setattr("pingyi.inputs.xlsx_cells.read_sheet", no_reading)


# --------------------------------------------------------------------------- units


def test_units_are_read_in_file_order_with_their_scheme_category(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "units.csv",
        "code,name,category,veto\nU2,财政局,地方管理部门,\nU1,税务局,vertical,是\nU3,农商行,金融,0\n",
    )

    assert units_of(path) == [
        UnitSpec("U2", "财政局", "地方管理部门", "local", False),
        UnitSpec("U1", "税务局", "vertical", "vertical", True),
        UnitSpec("U3", "农商行", "金融", "financial", False),
    ]


def test_units_csv_may_start_with_a_bom(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "units.csv", "code,name,category\r\nU1,财政局,local\r\n", bom=True)

    assert units_of(path) == [UnitSpec("U1", "财政局", "local", "local", False)]


def test_the_veto_column_is_optional(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "units.csv", "code,name,category\nU1,财政局,local\n")

    assert [u.veto for u in units_of(path)] == [False]


@pytest.mark.parametrize(
    ("cell", "veto"),
    [
        ("1", True),
        ("true", True),
        ("TRUE", True),
        ("yes", True),
        ("是", True),
        (" 是 ", True),
        ("", False),
        ("0", False),
        ("false", False),
        ("no", False),
        ("否", False),
    ],
)
def test_veto_reads_yes_and_no_words(tmp_path: Path, cell: str, veto: bool) -> None:
    path = csv_file(tmp_path, "units.csv", f"code,name,category,veto\nU1,财政局,local,{cell}\n")

    assert units_of(path)[0].veto is veto


def test_units_header_names_may_be_in_chinese(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "units.csv", "编码,名称,类别,一票否决\nU1,财政局,地方,是\n")

    assert units_of(path) == [UnitSpec("U1", "财政局", "地方", "local", True)]


def test_units_are_read_from_the_first_sheet_of_an_xlsx(tmp_path: Path) -> None:
    path = xlsx_file(
        tmp_path,
        "units.xlsx",
        [
            ["code", "name", "category", "veto"],
            [101, "财政局", "local", True],
            [None, None, None, None],
            ["U2", " 税务局 ", "垂直", False],
            ["U3", "农商行", "金融", 1],
        ],
    )

    assert units_of(path) == [
        UnitSpec("101", "财政局", "local", "local", True),
        UnitSpec("U2", "税务局", "垂直", "vertical", False),
        UnitSpec("U3", "农商行", "金融", "financial", True),
    ]


def test_a_veto_that_is_not_yes_or_no_is_refused_with_its_cell(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "units.csv", "code,name,category,veto\nU1,财政局,local,\nU2,税务局,local,maybe\n"
    )

    assert refusal(lambda: units_of(path)) == [
        "units.csv, row 3, column D (veto): 'maybe' is not a yes/no value; "
        "use 1/0, true/false, yes/no or 是/否"
    ]


def test_a_repeated_unit_code_is_refused_naming_both_rows(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "units.csv",
        "code,name,category\nU1,财政局,local\nU2,税务局,local\nU1,农商行,金融\n",
    )

    assert refusal(lambda: units_of(path)) == [
        "units.csv, row 4, column A (code): unit code 'U1' repeats row 2"
    ]


def test_a_category_not_in_the_scheme_is_refused_with_its_cell(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "units.csv", "code,name,category\nU1,财政局,local\nU2,税务局,税务系统\n"
    )

    assert refusal(lambda: units_of(path)) == [
        "units.csv, row 3, column C (category): category '税务系统' is not in the scheme; "
        "expected one of: 地方管理部门, 垂直管理部门, 金融部门"
    ]


def test_an_empty_required_cell_is_refused_with_its_cell(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "units.csv", "code,name,category\nU1,,local\n")

    assert refusal(lambda: units_of(path)) == [
        "units.csv, row 2, column B (name): empty; a value is required"
    ]


@pytest.mark.parametrize(
    ("header", "missing"),
    [("name,category", "code"), ("code,category", "name"), ("code,name", "category")],
)
def test_a_missing_units_column_is_refused_naming_it(
    tmp_path: Path, header: str, missing: str
) -> None:
    path = csv_file(tmp_path, "units.csv", f"{header}\nx,y\n")

    assert refusal(lambda: units_of(path)) == [
        f"units.csv, row 1, field {missing}: missing column '{missing}'; "
        "the header must have code, name, category"
    ]


def test_a_misspelt_units_header_is_refused_naming_the_column(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "units.csv", "code,name,catgory\nU1,财政局,local\n")

    assert refusal(lambda: units_of(path)) == [
        "units.csv, row 1, column C (catgory): unknown column; expected code, name, category, veto",
        "units.csv, row 1, field category: missing column 'category'; "
        "the header must have code, name, category",
    ]


def test_an_empty_units_file_is_refused(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "units.csv", "")

    assert refusal(lambda: units_of(path)) == [
        "units.csv: the file is empty; expected a header row and data rows"
    ]


def test_a_units_file_with_only_a_header_is_refused(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "units.csv", "code,name,category\n,,\n")

    assert refusal(lambda: units_of(path)) == ["units.csv: no units: the file has only a header"]


def test_an_xlsx_with_only_a_header_is_refused(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path, "units.xlsx", [["code", "name", "category"]])

    assert refusal(lambda: units_of(path)) == ["units.xlsx: no units: the file has only a header"]


def test_a_row_with_more_cells_than_the_header_is_refused_with_its_row(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "units.csv", "code,name,category\nU1,财政局,local\nU2,税务局,local,是\n"
    )

    assert refusal(lambda: units_of(path)) == [
        "units.csv, row 3, column D: the row has 4 cells but the header has 3"
    ]


def test_an_xlsx_value_outside_the_header_is_refused_with_its_cell(tmp_path: Path) -> None:
    path = xlsx_file(
        tmp_path, "units.xlsx", [["code", "name", "category"], ["U1", "财政局", "local", "是"]]
    )

    assert refusal(lambda: units_of(path)) == [
        "units.xlsx, row 2, column D: a value stands outside the header's columns"
    ]


# --------------------------------------------------------------------------- unreadable files


def test_an_image_renamed_csv_is_refused_naming_the_encodings_tried(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))

    assert refusal(lambda: units_of(path)) == [
        "units.csv: the text cannot be decoded (tried UTF-8, UTF-8 with BOM, GB18030/GBK); "
        "save the file as CSV UTF-8"
    ]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_csv_saved_by_chinese_excel_or_wps_is_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "units.csv"
    text = (
        "编码,名称,类别,一票否决\r\n"
        "U1,财政局,地方管理部门,否\r\n"
        "U2,国家税务总局某县税务局,垂直,是\r\n"
    )
    path.write_bytes(text.encode(encoding))

    assert units_of(path) == [
        UnitSpec("U1", "财政局", "地方管理部门", "local", False),
        UnitSpec("U2", "国家税务总局某县税务局", "垂直", "vertical", True),
    ]


@pytest.mark.parametrize("line", ["P1,满意\n", "P1," + "满" * 3000 + "\n"])
def test_the_utf8_check_reads_blocks_whatever_straddles_them(tmp_path: Path, line: str) -> None:
    """csv_bytes checks a file's UTF-8 in 4 MiB blocks cut at line breaks: a character (or a
    line longer than a block's remainder) across a block's end is read whole, and a bad byte
    in any block, the last line without a line break included, is found."""
    path = tmp_path / "ballots.csv"
    body = ("ballot_no,U1\n" + line * (5 * 2**20 // len(line.encode()))).encode()
    for data, utf8 in (
        (body, True),
        (body + "P2,满意".encode(), True),
        (body + b"P2,\xe6\xbb", False),  # a character cut short at the very end
        (body[: 4 * 2**20 + 10] + b"\xff" + body[4 * 2**20 + 10 :], False),
        (b"\xef\xbb\xbf" + body.replace(b"\n", b"\r\n"), True),
    ):
        path.write_bytes(data)
        found = tables.csv_bytes(path)
        assert (found.utf8, found.nul, found.lines) == (utf8, False, data.count(b"\n"))
    path.write_bytes(body + b"P3,\x00\n")
    assert tables.csv_bytes(path).nul


def test_a_gbk_ballots_file_with_ragged_rows_keeps_its_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "ballots.csv"
    path.write_bytes("票号,组别,U1,U2\n1,服务对象,满意\n2,,好,\n".encode("gbk"))

    assert refusal(lambda: ballots_of(path)) == [
        f"ballots.csv, row 3, column C (U1): unknown mark '好'; {MARKS_EXPECTED}"
    ]


def test_units_are_read_from_an_excel_97_xls(tmp_path: Path) -> None:
    path = write_xls(
        tmp_path / "units.xls",
        [
            ["编码", "名称", "类别", "一票否决"],
            ["U1", "财政局", "地方", "是"],
            ["U2", "人行", "金融", None],
        ],
    )

    assert units_of(path) == [
        UnitSpec("U1", "财政局", "地方", "local", True),
        UnitSpec("U2", "人行", "金融", "financial", False),
    ]


def test_ballots_are_read_from_an_xls(tmp_path: Path) -> None:
    path = write_xls(
        tmp_path / "ballots.xls",
        [["票号", "组别", "U1", "U2"], ["7", "服务对象", "满意", "不满意"]],
    )

    rows = ballots_of(path)

    assert (rows.ballot_nos, rows.groups, rows.marks.tolist()) == (["7"], ["服务对象"], [[0, 2]])


def test_a_csv_renamed_xls_is_refused_as_not_a_workbook(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "units.xls", "code,name,category\nU1,财政局,local\n")

    assert refusal(lambda: units_of(path)) == [
        "units.xls: not a valid .xls workbook (Excel 97–2003)"
    ]


def test_random_bytes_named_xlsx_are_refused_as_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "units.xlsx"
    path.write_bytes(bytes(range(256)) * 16)

    assert refusal(lambda: units_of(path)) == [
        "units.xlsx: not a valid .xlsx workbook (it is not a zip archive)"
    ]


@pytest.mark.parametrize("suffix", [".txt", ".json", ""])
def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(tmp_path: Path, suffix: str) -> None:
    path = csv_file(tmp_path, f"units{suffix}", "code,name,category\nU1,财政局,local\n")

    assert refusal(lambda: units_of(path)) == [
        f"units{suffix}: unsupported file type {suffix!r}; expected .csv, .xlsx or .xls"
    ]


def test_a_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    assert refusal(lambda: units_of(tmp_path / "nowhere.csv")) == [
        "nowhere.csv: cannot read the file: No such file or directory"
    ]


def test_a_file_over_the_size_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "MAX_FILE_BYTES", 1024 * 1024)
    path = csv_file(tmp_path, "ballots.csv", "ballot_no,U1\n" + "1,满意\n" * 300_000)

    assert refusal(lambda: ballots_of(path)) == [
        "ballots.csv: the file is 2 MiB; the limit is 1 MiB"
    ]


# --------------------------------------------------------------------------- ballots


def test_ballots_are_read_as_mark_indices_with_empty_cells_blank(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "ballots.csv",
        "ballot_no,U1,U2,U3\n1,满意,基本满意,不满意\n2,弃权,,satisfied\n3,,,\n",
    )

    rows = ballots_of(path)

    assert rows.ballot_nos == ["1", "2", "3"]
    assert rows.rows == [2, 3, 4]
    assert rows.unit_codes == ["U1", "U2", "U3"]
    assert rows.groups is None
    assert rows.marks.dtype == np.int8
    assert rows.marks.tolist() == [[0, 1, 2], [3, BLANK, 0], [BLANK, BLANK, BLANK]]


def test_marks_written_as_the_scheme_spells_them_are_read_as_an_enum_the_same(
    tmp_path: Path,
) -> None:
    """The fast path (mark columns parsed as an Enum of the scheme's spellings) gives what the
    text path gives; one cell spelt otherwise sends the whole file down the text path."""
    text = "ballot_no,U1,U2,U3\n1,满意,基本满意,不满意\n2,弃权,,satisfied\n3,,,\n"
    exact = csv_file(tmp_path, "exact.csv", text)
    spaced = csv_file(tmp_path, "spaced.csv", text.replace("2,弃权", "2, 弃权 "))
    choices = list(SCHEME.mark_lookup())
    raw = {1, 2, 3}.intersection

    enum = tables.read_table(exact, raw=lambda h: raw(range(len(h))), choices=choices)
    plain = tables.read_table(spaced, raw=lambda h: raw(range(len(h))), choices=choices)

    assert all(isinstance(enum.frame.schema[f"c{i}"], pl.Enum) for i in (1, 2, 3))
    assert plain.frame.schema["c1"] == pl.String
    assert ballots_of(exact).marks.tolist() == ballots_of(spaced).marks.tolist()
    assert ballots_of(exact).marks.tolist() == [[0, 1, 2], [3, BLANK, 0], [BLANK, BLANK, BLANK]]


def test_a_nul_beside_marks_read_as_an_enum_is_refused_with_its_cell(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "ballots.csv", "ballot_no,U1,U2,U3\n1,满意,满意,满意\n2\0,满意,,\n")

    assert refusal(lambda: ballots_of(path)) == [
        "ballots.csv, row 3, column A (ballot_no): the cell holds a NUL character (\\0); remove it"
    ]


def test_marks_may_be_chinese_labels_or_english_code_names_in_any_case(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "ballots.csv",
        "ballot_no,U1,U2,U3,U4\n"
        "1,satisfied,basically_satisfied,dissatisfied,abstain\n"
        "2,SATISFIED,Basically satisfied,不满意,Abstain\n",
    )

    rows = ballots_of(path, ["U1", "U2", "U3", "U4"])

    assert rows.marks.tolist() == [[0, 1, 2, 3], [0, 1, 2, 3]]


def test_white_space_around_a_mark_is_ignored(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "ballots.csv",
        "ballot_no , U1 ,U2,U3\n 7 , 满意 ,\t基本满意\t,\u3000不满意\u3000\n8,  ,satisfied ,\n",
    )

    rows = ballots_of(path)

    assert rows.ballot_nos == ["7", "8"]
    assert rows.unit_codes == ["U1", "U2", "U3"]
    assert rows.marks.tolist() == [[0, 1, 2], [BLANK, 0, BLANK]]


def test_fully_empty_rows_are_skipped_and_rows_keep_their_file_numbers(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "ballots.csv", "ballot_no,U1,U2,U3\n1,满意,满意,满意\n,,,\n , , , \n4,不满意,,\n"
    )

    rows = ballots_of(path)

    assert rows.ballot_nos == ["1", "4"]
    assert rows.rows == [2, 5]


def test_a_problem_after_a_blank_line_names_the_file_row(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "ballots.csv", "ballot_no,U1,U2,U3\n1,满意,满意,满意\n\n3,好,,\n")

    assert refusal(lambda: ballots_of(path)) == [
        f"ballots.csv, row 4, column B (U1): unknown mark '好'; {MARKS_EXPECTED}"
    ]


@pytest.mark.parametrize(
    "first_row",
    ["0,服务对象,满意,满意", "0,服务对象,满意"],  # a rectangular file, and one with a short row
    ids=["rectangular", "ragged"],
)
def test_a_cell_with_a_line_break_does_not_shift_later_row_numbers(
    tmp_path: Path, first_row: str
) -> None:
    # Excel keeps a cell typed with Alt+Enter in one row; so must the row numbers we report.
    text = f'ballot_no,group,U1,U2\n{first_row}\n"1\n",服务对象,满意,满意\n2,服务对象,好,满意\n'
    path = csv_file(tmp_path, "ballots.csv", text)

    assert refusal(lambda: ballots_of(path, ["U1", "U2"])) == [
        f"ballots.csv, row 4, column C (U1): unknown mark '好'; {MARKS_EXPECTED}"
    ]


def test_a_group_column_gives_each_ballot_its_group(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "ballots.csv", "ballot_no,group,U2,U1\n1,服务对象,满意,\n2,,不满意,满意\n"
    )

    rows = ballots_of(path)

    assert rows.groups == ["服务对象", None]
    assert rows.group_column == "B"
    assert rows.unit_codes == ["U2", "U1"]
    assert rows.marks.tolist() == [[0, BLANK], [2, 0]]


def test_each_unit_finds_its_column_and_a_unit_not_on_the_ballots_has_none(
    tmp_path: Path,
) -> None:
    path = csv_file(tmp_path, "ballots.csv", "ballot_no,U3,U1\n1,满意,不满意\n")
    units = [UnitSpec(code, code, "local", "local") for code in CODES]

    assert ballots_of(path).columns_for(units) == [1, None, 0]


def test_ballots_are_read_from_an_xlsx_with_numbers_as_typed(tmp_path: Path) -> None:
    path = xlsx_file(
        tmp_path,
        "ballots.xlsx",
        [
            ["ballot_no", "U1", "U2", "U3"],
            [1, "满意", " 基本满意 ", None],
            [None, None, None, None],
            [2.0, "dissatisfied", "弃权", "Satisfied"],
            ["A-3", None, "不满意", None],
        ],
    )

    rows = ballots_of(path)

    assert rows.ballot_nos == ["1", "2", "A-3"]
    assert rows.rows == [2, 4, 5]
    assert rows.marks.tolist() == [[0, 1, BLANK], [2, 3, 0], [BLANK, 2, BLANK]]


def test_a_header_only_ballots_file_is_read_as_no_ballots(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "ballots.csv", "ballot_no,U1,U2,U3\n")

    rows = ballots_of(path)

    assert rows.ballot_nos == []
    assert rows.marks.shape == (0, 3)


def test_a_row_with_fewer_cells_than_the_header_leaves_the_rest_empty(tmp_path: Path) -> None:
    # An xlsx row cannot tell a short row from empty cells; a CSV row should read the same.
    path = csv_file(tmp_path, "ballots.csv", "ballot_no,U1,U2,U3\n1,满意\n2,满意,满意,满意\n")

    rows = ballots_of(path)

    assert rows.marks.tolist() == [[0, BLANK, BLANK], [0, 0, 0]]


def test_trailing_empty_cells_beyond_the_header_are_ignored(tmp_path: Path) -> None:
    # Spreadsheet programs save such rows; the reader means to ignore empty extra cells.
    path = csv_file(tmp_path, "ballots.csv", "ballot_no,U1,U2,U3\n1,满意,满意,满意,,\n2,,,不满意\n")

    rows = ballots_of(path)

    assert rows.marks.tolist() == [[0, 0, 0], [BLANK, BLANK, 2]]


def test_trailing_empty_header_cells_are_ignored(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "ballots.csv", "ballot_no,U1,U2,U3,,\n1,满意,满意,满意,,\n")

    rows = ballots_of(path)

    assert rows.unit_codes == ["U1", "U2", "U3"]
    assert rows.marks.tolist() == [[0, 0, 0]]


# --------------------------------------------------------------------------- bad ballots


def test_an_unknown_mark_is_refused_with_its_cell(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "ballots.csv", "ballot_no,U1,U2,U3\n1,满意,满意,满意\n2,满意,好,\n")

    assert refusal(lambda: ballots_of(path)) == [
        f"ballots.csv, row 3, column C (U2): unknown mark '好'; {MARKS_EXPECTED}"
    ]


def test_every_unknown_mark_is_reported(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "ballots.csv", "ballot_no,U1,U2,U3\n1,ok,满意,满意\n2,满意,满意,2\n")

    assert refusal(lambda: ballots_of(path)) == [
        f"ballots.csv, row 2, column B (U1): unknown mark 'ok'; {MARKS_EXPECTED}",
        f"ballots.csv, row 3, column D (U3): unknown mark '2'; {MARKS_EXPECTED}",
    ]


def test_an_unknown_mark_in_an_xlsx_is_refused_with_its_cell(tmp_path: Path) -> None:
    path = xlsx_file(
        tmp_path, "ballots.xlsx", [["ballot_no", "U1", "U2", "U3"], [1, "满意", 1, None]]
    )

    assert refusal(lambda: ballots_of(path)) == [
        f"ballots.xlsx, row 2, column C (U2): unknown mark '1'; {MARKS_EXPECTED}"
    ]


def test_a_repeated_ballot_number_is_refused_naming_both_rows(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "ballots.csv",
        "ballot_no,U1,U2,U3\n1,满意,,\n2,满意,,\n1,不满意,,\n3,满意,,\n2,满意,,\n",
    )

    assert refusal(lambda: ballots_of(path)) == [
        "ballots.csv, row 4, column A (ballot_no): ballot number '1' repeats row 2",
        "ballots.csv, row 6, column A (ballot_no): ballot number '2' repeats row 3",
    ]


def test_an_empty_ballot_number_is_refused_with_its_cell(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "ballots.csv", "ballot_no,U1,U2,U3\n1,满意,,\n,满意,,\n")

    assert refusal(lambda: ballots_of(path)) == [
        "ballots.csv, row 3, column A (ballot_no): the ballot number is empty"
    ]


def test_a_unit_column_not_in_the_units_file_is_refused_naming_the_column(
    tmp_path: Path,
) -> None:
    path = csv_file(tmp_path, "ballots.csv", "ballot_no,U1,U9\n1,满意,满意\n")

    assert refusal(lambda: ballots_of(path)) == [
        "ballots.csv, row 1, column C (U9): 'U9' is not a unit code of the units file "
        "(nor ballot_no or group)"
    ]


def test_a_missing_ballot_no_column_is_refused(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "ballots.csv", "U1,U2\n满意,满意\n")

    assert refusal(lambda: ballots_of(path)) == [
        "ballots.csv, row 1, field ballot_no: missing column 'ballot_no'; "
        "the header must start with ballot_no"
    ]


def test_a_repeated_column_is_refused_naming_both_columns(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "ballots.csv", "ballot_no,U1,U2,U1\n1,满意,满意,满意\n")

    assert refusal(lambda: ballots_of(path)) == [
        "ballots.csv, row 1, column D (U1): column name repeated (first in column B)"
    ]


def test_an_empty_header_cell_between_columns_is_refused(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "ballots.csv", "ballot_no,,U2\n1,满意,满意\n")

    assert refusal(lambda: ballots_of(path)) == [
        "ballots.csv, row 1, column B: empty header cell; every column needs a name"
    ]


def test_a_ballot_row_with_more_cells_than_the_header_is_refused(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "ballots.csv", "ballot_no,U1,U2\n1,满意,满意\n2,满意,满意,满意\n")

    assert refusal(lambda: ballots_of(path, ["U1", "U2"])) == [
        "ballots.csv, row 3, column D: the row has 4 cells but the header has 3"
    ]


def test_an_empty_ballots_file_is_refused(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "ballots.csv", "")

    assert refusal(lambda: ballots_of(path)) == [
        "ballots.csv: the file is empty; expected a header row and data rows"
    ]


# ------------------------------------------------------------- hostile spreadsheets (R21)


def test_a_formula_cell_is_refused_naming_the_cell(tmp_path: Path) -> None:
    path = xlsx_file(
        tmp_path,
        "ballots.xlsx",
        [
            ["ballot_no", "U1", "U2", "U3"],
            [1, "满意", "满意", None],
            [2, "满意", '="满"&"意"', None],
        ],
    )

    assert refusal(lambda: ballots_of(path)) == [
        "ballots.xlsx, row 3, column C: cell C3 holds a formula; formulas are not evaluated "
        "on import — paste the values instead"
    ]


@pytest.mark.parametrize(
    "cell",
    [
        '<c s="0" r="B2" t="str"><f>"满"&amp;"意"</f><v>满意</v></c>',
        "<c r='B2' t='str'><f>\"满\"&amp;\"意\"</f><v>满意</v></c>",
        '<c t="str"><f>"满"&amp;"意"</f><v>满意</v></c>',
    ],
    ids=["style-before-reference", "single-quoted", "no-reference"],
)
def test_a_formula_cell_is_refused_however_its_xml_is_written(tmp_path: Path, cell: str) -> None:
    # A hostile file is not written by Excel: attribute order, quotes and the optional r=
    # must not let a formula's cached value through.
    path = xlsx_file(tmp_path, "ballots.xlsx", [["ballot_no", "U1"], [1, "基本满意"]])
    plain = '<c r="B2" t="inlineStr"><is><t>基本满意</t></is></c>'

    def plant(xml: bytes) -> bytes:
        assert plain.encode() in xml
        return xml.replace(plain.encode(), cell.encode())

    rewrite_member(path, SHEET, plant)

    [message] = refusal(lambda: ballots_of(path, ["U1"]))
    assert message.startswith("ballots.xlsx")
    assert "holds a formula" in message


def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = xlsx_file(tmp_path, "ballots.xlsx", [["ballot_no", "U1"], [1, "满意"]])
    with zipfile.ZipFile(path) as source:
        entries = [(i.filename, source.read(i.filename)) for i in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for name, data in entries:
            if name != SHEET:
                bomb.writestr(name, data)
                continue
            with bomb.open(name, "w") as stream:  # 64 MiB of one byte: a few dozen KiB zipped
                block = b"<" * (1 << 20)
                for _ in range(64):
                    stream.write(block)
    assert path.stat().st_size < 1024 * 1024

    forbid_parsing(monkeypatch)

    assert refusal(lambda: ballots_of(path, ["U1"])) == [
        "ballots.xlsx: the workbook expands to too much data (a zip bomb?); refused"
    ]


def entity_bomb(padding: int = 0) -> Callable[[bytes], bytes]:
    """An edit that gives a sheet a billion-laughs DTD, ``padding`` bytes into its prolog."""
    entities = ['<!ENTITY lol0 "lololololol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    prolog = (
        f'<?xml version="1.0"?><!--{" " * padding}--><!DOCTYPE worksheet [{"".join(entities)}]>'
    )

    def plant(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[-1]  # after the XML declaration, if there is one
        cell = "<t>满意</t>".encode()
        assert cell in body
        return prolog.encode() + body.replace(cell, b"<t>&lol9;</t>")

    return plant


def test_an_xml_entity_bomb_is_refused_before_it_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = xlsx_file(tmp_path, "ballots.xlsx", [["ballot_no", "U1"], [1, "满意"]])
    rewrite_member(path, SHEET, entity_bomb())
    forbid_parsing(monkeypatch)

    assert refusal(lambda: ballots_of(path, ["U1"])) == [
        f"ballots.xlsx: the workbook declares XML entities ({SHEET}); refused"
    ]


def test_an_xml_entity_bomb_deep_in_the_prolog_is_still_refused(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path, "ballots.xlsx", [["ballot_no", "U1"], [1, "满意"]])
    rewrite_member(path, SHEET, entity_bomb(padding=10_000))

    [message] = refusal(lambda: ballots_of(path, ["U1"]))
    assert message.startswith("ballots.xlsx: ")
    assert message.endswith("refused") or "cannot read the workbook" in message


def test_bad_marks_and_an_unknown_group_are_reported_in_one_pass(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "ballots.csv", "票号,组别,U1,U2\n1,服务对象,好,满意\n2,游客,满意,\n3,游客,,坏\n"
    )

    assert refusal(lambda: ballots_of(path)) == [
        f"ballots.csv, row 2, column C (U1): unknown mark '好'; {MARKS_EXPECTED}",
        f"ballots.csv, row 4, column D (U2): unknown mark '坏'; {MARKS_EXPECTED}",
        "ballots.csv, row 3, column B (组别): unknown evaluator group '游客'; "
        "expected one of: 服务对象, 干部和各界代表",
        "ballots.csv, row 4, column B (组别): unknown evaluator group '游客'; "
        "expected one of: 服务对象, 干部和各界代表",
    ]


@pytest.mark.parametrize(
    "header",
    [
        "单位代码,被评单位名称,单位类别,是否一票否决",
        "代码,单位名称,分类,一票否决",
        "编码,名称,所属类别,一票否决",
    ],
)
def test_units_headers_may_use_any_chinese_name_clerks_use(tmp_path: Path, header: str) -> None:
    path = csv_file(tmp_path, "units.csv", f"{header}\nU1,财政局,地方,是\n")

    assert units_of(path) == [UnitSpec("U1", "财政局", "地方", "local", True)]


def test_ballots_headers_may_be_chinese(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "ballots.csv", "测评表编号,评议代表类别,U1\n1,服务对象,满意\n")

    rows = ballots_of(path, ["U1"])

    assert (rows.ballot_nos, rows.groups, rows.group_column) == (["1"], ["服务对象"], "B")
