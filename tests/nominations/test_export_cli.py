"""The nominee list for printing, opened back cell by cell, and the `pingyi nominations`
commands on the test database (steps recorded for --as, with the same refusals)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from pingyi.cli import main
from pingyi.nominations import services as s
from pingyi.nominations.selectors import slate_rows
from pingyi.nominations.workbook import (
    LIST_HEADER,
    LIST_SHEET,
    QUOTA_HEADER,
    QUOTA_SHEET,
    write_nominees,
)
from tests.nominations.conftest import SYSTEM, Cast, person

pytestmark = pytest.mark.django_db


def _town_approved_over_quota(cast: Cast) -> None:
    for name, grassroots in (("张三", True), ("李局长", False), ("=HYPERLINK(1)", True)):
        s.nominee_add(unit=cast.town, spec=person(name, grassroots=grassroots),
                      actor=cast.actor("uma"))  # fmt: skip
    slate = s.slate_submit(unit=cast.town, actor=cast.actor("uma"))
    s.slate_recommend(slate=slate, actor=cast.actor("cora"))
    s.slate_approve(slate=slate, reason="经研究同意", actor=cast.actor("alice"))


def test_the_workbook_lists_every_nominee_and_each_units_figures(
    cast: Cast, tmp_path: Path
) -> None:
    _town_approved_over_quota(cast)
    path = tmp_path / "n.xlsx"
    write_nominees(path, round_=cast.round, rows=slate_rows(cast.round))
    book = openpyxl.load_workbook(path)
    sheet = book[LIST_SHEET]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == LIST_HEADER
    assert rows[1] == [1, "张三", "某镇便民服务中心", "窗口工作人员", "一般干部职工", "是", "否",
                       "某某镇", "某某镇→某县人社局→市人力资源和社会保障局", "已批准",
                       "服务群众满意率高"]  # fmt: skip
    assert rows[2][1:7] == ["李局长", "某镇便民服务中心", "局长", "县处级", "否", "否"]
    assert rows[3][1] == "=HYPERLINK(1)"  # text, never a formula (R20)
    assert sheet.cell(4, 2).data_type == "s"
    assert len(rows) == 4
    # A4 landscape, the header row repeated on every page
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$1:$1"

    quotas = [list(r) for r in book[QUOTA_SHEET].iter_rows(values_only=True)]
    assert quotas[0] == QUOTA_HEADER
    by_unit = {r[0]: r for r in quotas[1:4]}
    assert by_unit["某某镇"] == ["某某镇", "某县人社局", 2, 3, 1, 2, "66.7%", "70.0%", 0, "已批准",
                              "超名额、基层一线比例不足：经研究同意", None]  # fmt: skip
    assert by_unit["某县人社局"][2:6] == [1, 0, None, 0]
    assert by_unit["市税务局"][2] == "—"  # no quota allotted, no ratio set
    total = quotas[4]
    assert total[:9] == ["合计（已批准）", None, 4, 3, None, 2, "66.7%", "70.0%", 0]
    assert book[QUOTA_SHEET].print_title_rows == "$1:$1"


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")


def run(*args: str | Path) -> int:
    try:
        return main([str(a) for a in args])
    except SystemExit as exit_:
        return int(exit_.code or 0)


def test_the_cli_records_steps_for_the_named_user_and_keeps_separation(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s.unit_member_add(unit=cast.town, username="erin", actor=SYSTEM)  # the office's admin too
    s.nominee_add(unit=cast.town, spec=person("张三"), actor=cast.actor("uma"))
    code = cast.round.code
    step = ("nominations", "step", "--round", code, "--unit", "town", "--step")
    assert run(*step, "submit", "--as", "erin") == 0
    assert run(*step, "recommend", "--as", "uma") == 1
    assert "uma may not record this step" in capsys.readouterr().err
    assert run(*step, "recommend", "--as", "cora") == 0
    assert run(*step, "approve", "--as", "erin") == 1
    err = capsys.readouterr().err
    assert "erin nominated or submitted this list and cannot also approve it" in err
    assert run(*step, "approve", "--as", "alice") == 0
    assert run("nominations", "notice", "--round", code, "--as", "alice") == 0
    out = tmp_path / "s.json"
    assert run("nominations", "summary", "--round", code, "--json", out,
               "--today", "2026-03-16") == 0  # fmt: skip
    body = json.loads(out.read_text("utf-8"))
    assert body["approved"] == 1 and body["over_total"] is False
    town = next(u for u in body["units"] if u["unit"] == "town")
    assert (town["count"], town["quota"], town["status"]) == (1, 2, "approved")
    assert [d["state"] for d in body["deadlines"]] == ["done", "done", "done"]
    xlsx = tmp_path / "n.xlsx"
    assert run("nominations", "export", "--round", code, "--out", xlsx) == 0
    assert openpyxl.load_workbook(xlsx)[LIST_SHEET]["B2"].value == "张三"


def test_the_cli_refuses_an_unknown_user_and_round(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("nominations", "notice", "--round", cast.round.code, "--as", "nobody") == 1
    assert "no active user 'nobody'" in capsys.readouterr().err
    assert run("nominations", "summary", "--round", "nope") == 1
    assert "no nomination round 'nope'" in capsys.readouterr().err
