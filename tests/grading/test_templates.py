"""The grading round's templates: organizations and scoring sheets, in Chinese with their
drop-downs, read back by the imports."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client

from pingyi.accounts.models import Membership, Role
from pingyi.grading import services
from pingyi.grading.models import Assessment, GradingRound
from pingyi.grading.selectors import scoring_sheet
from pingyi.rules import grading as rules
from tests.grading.conftest import DEPT, advance_to, make_round, office, op
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


def _department() -> Client:
    user = User.objects.create_user("alice")
    Membership.objects.create(user=user, organization=office(), role=Role.STAFF)
    return client_for(user)


def _book(client: Client, url: str) -> openpyxl.Workbook:
    response = client.get(url)
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _lists(sheet: object) -> dict[str, str | None]:
    validations = sheet.data_validations.dataValidation  # type: ignore[attr-defined]
    return {str(v.sqref)[0]: v.formula1 for v in validations if v.type == "list"}


def test_the_organizations_template_reads_back_through_the_import(tmp_path: Path) -> None:
    grading_round = make_round(tmp_path)
    client = _department()
    page = client.get(f"/staff/grading/{grading_round.code}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 'id="orgs-template">下载模板</a>' in page.content.decode()

    book = _book(client, f"/staff/grading/{grading_round.code}/orgs-template.xlsx")
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == [
        "党组织编码", "党组织名称", "领域", "党(工)委", "上级党组织编码", "新建", "违纪违法",
    ]  # fmt: skip
    assert _lists(sheet) == {
        "C": '"' + ",".join(rules.SECTORS) + '"',
        "F": '"是,否"',
        "G": '"是,否"',
    }
    sheet.append(["Z1", "五村党支部", "农村", "丙镇党委", None, "是", "否"])
    path = tmp_path / "党组织名单.xlsx"
    book.save(path)
    services.orgs_import(grading_round=grading_round, path=path, label=path.name, actor=op(DEPT))
    assert [(o.code, o.new) for o in grading_round.orgs.all()] == [("Z1", True)]


def test_the_scoring_template_lists_the_organizations_to_assess(tmp_path: Path) -> None:
    grading_round: GradingRound = advance_to(make_round(tmp_path), rules.ASSESSMENT)
    client = _department()
    page = client.get(f"/staff/grading/{grading_round.code}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 'id="scores-template">下载模板</a>' in page.content.decode()

    book = _book(client, f"/staff/grading/{grading_round.code}/scores-template.xlsx")
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["党组织编码", "党组织名称", "党组织带头人", "党组织带头人扣分理由"]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["G1", "B1", "V1", "V2", "N1", "X1", "S1", "O1"]

    maxima = dict(scoring_sheet(grading_round).indicators)
    first = sheet[2]
    for cell, title in zip(first[2:], header[2:], strict=True):
        if not str(title).endswith("扣分理由"):
            cell.value = int(maxima[str(title)])
    first[2].value, first[3].value = int(maxima["党组织带头人"]) - 2, "班子不团结"
    sheet.delete_rows(3, sheet.max_row)  # the others are assessed another day
    path = tmp_path / "评分表.xlsx"
    book.save(path)
    count = services.assessments_import(
        grading_round=grading_round, path=path, label=path.name, actor=op(DEPT)
    )
    assert count == 1
    assessment = Assessment.objects.get()
    assert assessment.org.code == "G1"
