"""The two tables of seed 000: the templates Pingyi writes, and every bad row said exactly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from pingyi.registry.files import read_registration_form, read_statistics_table
from pingyi.registry.services import projects_import
from pingyi.registry.workbooks import write_form_template, write_stats_template
from pingyi.rules import registry as r
from pingyi.rules.errors import InputError
from tests.registry.conftest import Cast, as_, spec

Write = Callable[[str, str], Path]

HEADER = (
    "项目名称,主办单位,主办单位系统,级别,周期,评选对象,自行设置,依据类别,依据文件名称及文号,"
    "收费,设立时间,节约经费(元)"
)
GOOD = "优秀共产党员评选,市委组织部,党委,市级,每年,党员,否,中央文件,中发〔2000〕1号,否,2005-07,"


def problems(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return exc.value.messages()


def test_a_good_registration_form_gives_every_project(write: Write) -> None:
    path = write(
        "form.csv",
        f"{HEADER}\n{GOOD}\n二号项目,团市委,人民团体,市级,不定期,青年,是,无,,是,2009,1500.5\n",
    )
    first, second = read_registration_form(path)
    assert first.organizer_kind == r.PARTY_COMMITTEE and first.level == r.CITY
    assert first.basis_kind == r.CENTRAL_DOCUMENT and first.established_on == dt.date(2005, 7, 1)
    assert (second.self_established, second.charges_fees, second.basis_kind) == (True, True, "none")
    assert second.money_saved == Decimal("1500.5")


def test_every_bad_cell_is_named_by_file_row_column_field_and_what_was_expected(
    write: Write,
) -> None:
    rows = [
        GOOD,
        "二号,市委宣传部,党委,市,每年,单位,也许,中央文件,某文,maybe,2009-13-01,-5",
        "三号,,部门,县级,每年,单位,否,法律,,否,,",
        "优秀共产党员评选,市委组织部,党委,市级,每年,党员,否,无,,否,,",
    ]
    path = write("form.csv", HEADER + "\n" + "\n".join(rows) + "\n")
    with pytest.raises(InputError) as refused:
        read_registration_form(path)
    assert problems(refused) == [
        "form.csv, row 3, column D (级别): '市' is not allowed; expected one of: "
        "全国、省级、市级、县级、乡镇级",
        "form.csv, row 3, column G (自行设置): '也许' is not a yes/no value; expected 是 or 否 "
        "(or 1/0, yes/no)",
        "form.csv, row 3, column J (收费): 'maybe' is not a yes/no value; expected 是 or 否 "
        "(or 1/0, yes/no)",
        "form.csv, row 3, column K (设立时间): '2009-13-01' is not a date; expected YYYY-MM-DD, "
        "YYYY-MM or YYYY",
        "form.csv, row 3, column L (节约经费(元)): '-5' is not an amount of yuan; expected a "
        "number of at least 0 with at most two decimals",
        "form.csv, row 4, column B (主办单位): empty; a value is required",
        "form.csv, row 4, column C (主办单位系统): '部门' is not allowed; expected one of: "
        "党委、人大、政协、法院、检察院、政府部门、人民团体、其他",
        "form.csv, row 4, column I (依据文件名称及文号): empty; expected the title and number "
        "of the basis document when the basis is 法律",
        "form.csv, row 5, column A (项目名称): project '优秀共产党员评选' repeats row 2",
    ]


def test_a_missing_or_unknown_column_is_named(write: Write) -> None:
    path = write("form.csv", "项目名称,主办方\nx,y\n")
    with pytest.raises(InputError) as refused:
        read_registration_form(path)
    messages = problems(refused)
    assert messages[0].startswith("form.csv, row 1, column B (主办方): unknown column; expected ")
    assert "form.csv, row 1, field organizer: missing column 'organizer'" in messages[1]


def test_a_project_the_unit_registered_before_is_refused_with_its_row(write: Write) -> None:
    path = write("form.csv", f"{HEADER}\n{GOOD}\n")
    with pytest.raises(InputError) as refused:
        read_registration_form(path, registered=frozenset({"优秀共产党员评选"}))
    assert problems(refused) == [
        "form.csv, row 2, column A (项目名称): project '优秀共产党员评选' is registered for "
        "this unit already"
    ]


def test_a_header_only_file_says_so(write: Write) -> None:
    with pytest.raises(InputError) as refused:
        read_registration_form(write("form.csv", HEADER + "\n"))
    assert problems(refused) == ["form.csv: no projects: the file has only a header"]


STATS = "项目名称,自查意见,并入项目,理由"


def test_the_statistics_table_gives_the_units_proposals(write: Write) -> None:
    path = write("stats.csv", f"{STATS}\n甲,保留,,\n乙,合并,甲,同类\n丙,cancel,,收费\n")
    rows = read_statistics_table(
        path, own={"甲": 1, "乙": 2, "丙": 3}, targets={"甲": [1], "乙": [2], "丙": [3]}
    )
    assert [(x.project, x.decision, x.merge_into, x.reason) for x in rows] == [
        (1, r.KEEP, None, ""),
        (2, r.MERGE, 1, "同类"),
        (3, r.CANCEL, None, "收费"),
    ]
    assert str(rows[1].where.describe()) == "stats.csv, row 3, column B (自查意见)"


def test_bad_rows_of_the_statistics_table_are_all_named(write: Write) -> None:
    text = f"{STATS}\n甲,保留,,\n丁,保留,,\n乙,合并,,\n丙,合并,戊,\n甲,撤销,,\n乙,留着,,\n,保留,,\n"
    path = write("stats.csv", text)
    with pytest.raises(InputError) as refused:
        read_statistics_table(
            path,
            own={"甲": 1, "乙": 2, "丙": 3},
            targets={"甲": [1], "乙": [2], "丙": [3], "戊": [8, 9]},
        )
    assert problems(refused) == [
        "stats.csv, row 3, column A (项目名称): project '丁' is not registered for this unit",
        "stats.csv, row 4, column C (并入项目): empty; a merge needs the name of the project it "
        "merges into",
        "stats.csv, row 5, column C (并入项目): several units registered a project '戊'; "
        "expected a name that only one has",
        "stats.csv, row 6, column A (项目名称): project '甲' repeats row 2",
        "stats.csv, row 7, column A (项目名称): project '乙' repeats row 4",
        "stats.csv, row 7, column B (自查意见): '留着' is not allowed; expected one of: "
        "保留、合并、撤销",
        "stats.csv, row 8, column A (项目名称): empty; a value is required",
    ]


# ----------------------------------------------------------------- the .xlsx templates


def test_the_registration_template_has_drop_downs_and_reads_back(
    cast: Cast, tmp_path: Path
) -> None:
    path = tmp_path / "form.xlsx"
    write_form_template(path, cleanup=cast.cleanup)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert sheet.title == "自查登记表"
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["C2:C501"] == '"党委,人大,政协,法院,检察院,政府部门,人民团体,其他"'
    assert lists["H2:H501"] == '"法律,行政法规,中央文件,经中央或省批准,本地文件,无"'
    assert lists["J2:J501"] == '"是,否"'
    values = ["=HYPERLINK(1)", "市委组织部", "党委", "市级", "每年", "党员", "否", "法律", "党章"]
    day = dt.datetime(2006, 5, 1)  # noqa: DTZ001 (a spreadsheet's date has no zone)
    sheet.append([*values, "否", "否", "否", "否", "否", day, "", 0])
    book.save(path)  # openpyxl stores "=…" as a formula: the reader refuses it, never runs it
    with pytest.raises(InputError) as refused:
        read_registration_form(path)
    assert problems(refused) == [
        "form.xlsx, row 2, column A: cell A2 holds a formula; formulas are not evaluated on "
        "import — paste the values instead"
    ]
    sheet["A2"] = "优秀党务工作者评选"
    book.save(path)
    (read,) = read_registration_form(path)
    assert (read.name, read.organizer_kind, read.basis_kind) == (
        "优秀党务工作者评选",
        "party_committee",
        "law",
    )
    assert read.established_on == dt.date(2006, 5, 1)
    assert read.money_saved == Decimal(0)


def test_the_statistics_template_lists_the_units_projects_with_suggestions(
    cast: Cast, tmp_path: Path
) -> None:
    projects_import(
        cleanup=cast.cleanup,
        unit=cast.department,
        specs=[spec("甲"), spec("乙", charges_fees=True, target_group="个人")],
        actor=as_("uma"),
    )
    projects_import(cleanup=cast.cleanup, unit=cast.town, specs=[spec("镇里")], actor=as_("victor"))
    path = tmp_path / "stats.xlsx"
    write_stats_template(path, cleanup=cast.cleanup, unit=cast.department)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "项目名称",
        "自查意见",
        "并入项目",
        "理由",
        "节约经费(元)",
        "系统建议",
        "触发规则",
    ]
    assert [row[0] for row in rows[1:]] == ["甲", "乙"]
    assert rows[2][5] == "撤销" and rows[2][6].startswith("charges fees")
    sheet_book = openpyxl.load_workbook(path)
    sheet_book.worksheets[0]["B2"] = "保留"
    sheet_book.worksheets[0]["B3"] = "撤销"
    sheet_book.save(path)
    own = dict(cast.department.projects.values_list("name", "pk"))
    got = read_statistics_table(path, own=own, targets={k: [v] for k, v in own.items()})
    assert [(x.decision) for x in got] == [r.KEEP, r.CANCEL]
