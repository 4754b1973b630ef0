"""Results applied (seed 001, 七): the office records each unit's consequences from a closed
campaign, follows them up on the campaign's page, and downloads the results-application
workbook. The campaigns are the notices' fixture: L1–L5 win, L6 must rectify, L7 is last,
V1–V3 win and V4 is last among the vertically managed units, F1 is under a one-vote veto."""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pingyi import evidence
from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Role
from pingyi.audit.models import AuditEntry
from pingyi.campaigns.models import Campaign, Consequence
from pingyi.office.consequences import (
    consequence_board,
    consequence_done,
    consequences_apply,
)
from pingyi.rules import consequences as rules
from pingyi.rules.errors import RuleError
from tests.notices.conftest import STAFF, closed_campaign
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 1, 10)
NOW = dt.datetime(2027, 1, 10, 1, 0, tzinfo=dt.UTC)
DUE = dt.date(2027, 2, 10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ZH = {"accept-language": "zh-hans"}


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.HOME = tmp_path / "home"


def kinds_of(campaign: Campaign, code: str) -> set[str]:
    return set(
        Consequence.objects.filter(campaign=campaign, unit_code=code).values_list("kind", flat=True)
    )


def test_each_unit_gets_what_seed_001_says(tmp_path: Path) -> None:
    campaign = closed_campaign(tmp_path)
    created = consequences_apply(
        campaign=campaign, actor=Actor.operator(STAFF), report_due=DUE, now=NOW
    )
    assert kinds_of(campaign, "L1") == {rules.COMMENDATION, rules.BONUS_UP}
    assert kinds_of(campaign, "L7") == {
        rules.CRITICISM,
        rules.WRITTEN_REPORT,
        rules.NO_HONOURS,
        rules.BONUS_DOWN,
    }
    assert kinds_of(campaign, "L6") == {rules.WRITTEN_REPORT}
    assert kinds_of(campaign, "V1") == {
        rules.COMMENDATION,
        rules.BONUS_UP,
        rules.SUPERIOR_LETTER,
    }
    assert kinds_of(campaign, "V4") == {
        rules.CRITICISM,
        rules.WRITTEN_REPORT,
        rules.NO_HONOURS,
        rules.BONUS_DOWN,
        rules.SUPERIOR_LETTER,
    }
    assert kinds_of(campaign, "F1") == {rules.VETO_EXCLUDED}
    report = Consequence.objects.get(campaign=campaign, unit_code="L7", kind=rules.WRITTEN_REPORT)
    assert report.due_on == DUE and report.status == "pending"
    down = Consequence.objects.get(campaign=campaign, unit_code="L7", kind=rules.BONUS_DOWN)
    assert Fraction(down.adjustment) == Fraction(-1, 10)
    entry = AuditEntry.objects.get(action="campaigns.consequence.applied")
    assert ["L7", rules.BONUS_DOWN] in entry.data["applied"]
    assert len(entry.data["applied"]) == len(created)
    # applying again records nothing twice
    assert (
        consequences_apply(campaign=campaign, actor=Actor.operator(STAFF), report_due=DUE, now=NOW)
        == []
    )
    assert Consequence.objects.filter(campaign=campaign).count() == len(created)


def test_last_two_years_running_across_the_series(tmp_path: Path) -> None:
    closed_campaign(tmp_path, year=2025)
    campaign = closed_campaign(tmp_path, year=2026)
    consequences_apply(campaign=campaign, actor=Actor.operator(STAFF), report_due=DUE, now=NOW)
    local = kinds_of(campaign, "L7")
    assert {rules.REMOVAL, rules.BONUS_FORFEIT} <= local
    assert not {rules.BONUS_DOWN, rules.TRANSFER} & local
    vertical = kinds_of(campaign, "V4")
    assert {rules.TRANSFER, rules.BONUS_FORFEIT, rules.SUPERIOR_LETTER} <= vertical
    assert not {rules.REMOVAL, rules.BONUS_DOWN} & vertical
    forfeit = Consequence.objects.get(campaign=campaign, unit_code="L7", kind=rules.BONUS_FORFEIT)
    assert Fraction(forfeit.adjustment) == -1
    removal = Consequence.objects.get(campaign=campaign, unit_code="L7", kind=rules.REMOVAL)
    assert "任现职时间满一年" in removal.condition


def test_no_results_applied_while_the_campaign_is_open(tmp_path: Path) -> None:
    from tests.cast import make_campaign

    campaign = make_campaign(series="open-one")
    with pytest.raises(RuleError):
        consequences_apply(campaign=campaign, actor=Actor.operator(STAFF), now=NOW)
    assert not Consequence.objects.exists()


def test_follow_ups_are_done_with_their_checks(tmp_path: Path) -> None:
    closed_campaign(tmp_path, year=2025)
    campaign = closed_campaign(tmp_path, year=2026)
    consequences_apply(campaign=campaign, actor=Actor.operator(STAFF), report_due=DUE, now=NOW)
    removal = Consequence.objects.get(campaign=campaign, unit_code="L7", kind=rules.REMOVAL)
    with pytest.raises(RuleError) as refused:
        consequence_done(
            consequence=removal, actor=Actor.operator(STAFF), note="组织考察", today=TODAY
        )
    assert "任现职时间满一年" in str(refused.value.message(lambda s: s))
    done = consequence_done(
        consequence=removal,
        actor=Actor.operator(STAFF),
        note="已按程序免职",
        confirmed=True,
        today=TODAY,
    )
    assert (done.status, done.done_on, done.done_by, done.checked) == (
        "done",
        TODAY,
        STAFF,
        True,
    )
    report = Consequence.objects.get(campaign=campaign, unit_code="L7", kind=rules.WRITTEN_REPORT)
    with pytest.raises(RuleError):
        consequence_done(consequence=report, actor=Actor.operator(STAFF), today=TODAY)
    with pytest.raises(RuleError):  # a script renamed .pdf is no report
        consequence_done(
            consequence=report,
            actor=Actor.operator(STAFF),
            upload=evidence.Upload("report.pdf", b"#!/bin/sh\n"),
            today=TODAY,
        )
    done = consequence_done(
        consequence=report,
        actor=Actor.operator(STAFF),
        upload=evidence.Upload("整改报告.pdf", PDF),
        today=TODAY,
    )
    assert done.file_name == "整改报告.pdf"
    assert evidence.path_of(done.file_stored_name).read_bytes() == PDF
    with pytest.raises(RuleError):
        consequence_done(consequence=done, actor=Actor.operator(STAFF), today=TODAY)
    assert AuditEntry.objects.filter(action="campaigns.consequence.done").count() == 2


def test_overdue_on_the_injected_day(tmp_path: Path) -> None:
    campaign = closed_campaign(tmp_path)
    consequences_apply(campaign=campaign, actor=Actor.operator(STAFF), report_due=DUE, now=NOW)

    def overdue(today: dt.date) -> set[str]:
        blocks = consequence_board(campaign, today=today)
        return {b.code for b in blocks for r in b.rows if r.overdue}

    assert overdue(DUE) == set()
    assert overdue(DUE + dt.timedelta(days=1)) == {"L6", "L7", "V4"}
    blocks = {b.code: b for b in consequence_board(campaign, today=DUE)}
    assert blocks["L1"].bonus == Fraction(1, 10)
    assert blocks["L7"].bonus == Fraction(-1, 10)
    assert blocks["F1"].bonus == 0


# ------------------------------------------------------------------------------------ pages


def _staff(campaign: Campaign, name: str, role: str) -> User:
    user = User.objects.create_user(name)
    Membership.objects.create(user=user, organization=campaign.series.organization, role=role)
    return user


def test_the_office_applies_and_marks_done_on_the_page(tmp_path: Path) -> None:
    campaign = closed_campaign(tmp_path)
    alice = client_for(_staff(campaign, "alice", Role.STAFF))
    base = f"/staff/c/{campaign.code}/consequences"
    page = alice.get(base, headers=ZH).content.decode()
    assert "评议结果运用" in page and "尚未记录" in page
    response = alice.post(f"{base}/apply", {"report_due": "2000-01-01"}, headers=ZH)
    assert response.status_code == 302
    page = alice.get(base, headers=ZH).content.decode()
    assert "不能早于" in page  # a due date in the past is refused, in Chinese
    past = timezone.localdate() - dt.timedelta(days=3)
    consequences_apply(campaign=campaign, actor=Actor.operator(STAFF), now=NOW)
    Consequence.objects.filter(kind=rules.WRITTEN_REPORT).update(due_on=past)
    page = alice.get(base, headers=ZH).content.decode()
    assert "单位L7" in page and "通报批评" in page and "目标管理奖下调" in page
    assert "逾期" in page and "-10%" in page
    report = Consequence.objects.get(unit_code="L7", kind=rules.WRITTEN_REPORT)
    upload = SimpleUploadedFile("报告.pdf", PDF, content_type="application/pdf")
    response = alice.post(
        f"{base}/{report.pk}/done", {"note": "已收到", "report": upload}, headers=ZH
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "done" and report.note == "已收到"
    page = alice.get(base, headers=ZH).content.decode()
    assert "报告.pdf" in page
    got = alice.get(f"{base}/{report.pk}/report")
    assert got.status_code == 200 and got.content == PDF
    # a written report is not received without its file: the refusal names unit and file
    other = Consequence.objects.get(unit_code="L6", kind=rules.WRITTEN_REPORT)
    alice.post(f"{base}/{other.pk}/done", {"note": "催报"}, headers=ZH)
    page = alice.get(base, headers=ZH).content.decode()
    assert "单位L6，向市委、市政府写出书面整改报告：请上传书面整改报告" in page
    other.refresh_from_db()
    assert other.status == "pending"
    letter = Consequence.objects.get(unit_code="V4", kind=rules.SUPERIOR_LETTER)
    href = f"/staff/history/{campaign.series_id}/V4/letter-{campaign.year}.pdf"
    assert href in page
    assert alice.get(href).content.startswith(b"%PDF")
    alice.post(f"{base}/{letter.pk}/done", {"note": "已函告"}, headers=ZH)
    letter.refresh_from_db()
    assert letter.status == "done"


def test_the_office_applies_the_results_from_the_page(tmp_path: Path) -> None:
    """The apply button with a good date records the consequences, with that date for the
    written reports (the door only the browser flow tests/browser/test_six_stages.py went
    through, as a page test so that it runs on PostgreSQL too)."""
    campaign = closed_campaign(tmp_path)
    alice = client_for(_staff(campaign, "alice", Role.STAFF))
    base = f"/staff/c/{campaign.code}/consequences"
    due = timezone.localdate() + dt.timedelta(days=30)
    response = alice.post(f"{base}/apply", {"report_due": due.isoformat()}, follow=True)
    recorded = Consequence.objects.filter(campaign=campaign)
    assert recorded.exists()
    assert f"{recorded.count()} consequences recorded." in response.content.decode()
    reports = recorded.filter(kind=rules.WRITTEN_REPORT)
    assert reports.exists() and {r.due_on for r in reports} == {due}
    again = alice.post(f"{base}/apply", {"report_due": due.isoformat()}, follow=True)
    assert Consequence.objects.filter(campaign=campaign).count() == recorded.count()
    assert "0 consequences recorded." in again.content.decode()  # nothing twice


def test_a_viewer_reads_but_does_not_act(tmp_path: Path) -> None:
    campaign = closed_campaign(tmp_path)
    consequences_apply(campaign=campaign, actor=Actor.operator(STAFF), report_due=DUE, now=NOW)
    bob = client_for(_staff(campaign, "bob", Role.VIEWER))
    base = f"/staff/c/{campaign.code}/consequences"
    page = bob.get(base, headers=ZH).content.decode()
    assert "标记办结" not in page and "单位L7" in page
    pk = Consequence.objects.get(unit_code="L1", kind=rules.COMMENDATION).pk
    assert bob.post(f"{base}/{pk}/done", {}).status_code == 403
    assert bob.post(f"{base}/apply", {}).status_code == 403


def test_the_workbook_cell_by_cell(tmp_path: Path) -> None:
    closed_campaign(tmp_path, year=2025)
    campaign = closed_campaign(tmp_path, year=2026)
    consequences_apply(campaign=campaign, actor=Actor.operator(STAFF), report_due=DUE, now=NOW)
    removal = Consequence.objects.get(campaign=campaign, unit_code="L7", kind=rules.REMOVAL)
    consequence_done(
        consequence=removal, actor=Actor.operator(STAFF), note="已免职", confirmed=True, today=TODAY
    )
    alice = client_for(_staff(campaign, "alice", Role.STAFF))
    response = alice.get(f"/staff/c/{campaign.code}/consequences.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    names = book.sheetnames
    assert names[0] == "汇总" and "单位L7" in names and "单位V4" in names
    summary = book["汇总"]
    header = [c.value for c in summary[1]]
    assert header == [
        "序号",
        "类别",
        "单位",
        "评议结论",
        "目标管理奖调整",
        "奖惩措施",
        "未办结",
        "逾期",
    ]
    rows = {row[2]: row for row in summary.iter_rows(min_row=2, values_only=True)}
    l7 = rows["单位L7"]
    assert l7[1] == "地方管理部门"
    assert l7[3] == "末位单位、连续两年末位"
    assert l7[4] == -1
    assert l7[5] == "；".join(
        rules.KIND_TEXT[k]
        for k in (
            rules.CRITICISM,
            rules.WRITTEN_REPORT,
            rules.NO_HONOURS,
            rules.BONUS_FORFEIT,
            rules.REMOVAL,
        )
    )
    assert l7[6] == 4  # the removal is done
    assert rows["单位L1"][4] == pytest.approx(0.1) and rows["单位L1"][3] == "优胜单位"
    assert rows["单位F1"][3] == "一票否决" and rows["单位F1"][4] == 0
    assert summary["E2"].number_format == "0.0%"
    assert summary.print_title_rows == "$1:$1"
    assert summary.page_setup.paperSize == 9  # A4
    assert summary.page_setup.orientation == "landscape"
    unit = book["单位L7"]
    assert [c.value for c in unit[1]] == [
        "序号",
        "奖惩措施",
        "依据（方案七）",
        "目标管理奖调整",
        "须确认事项",
        "办理期限",
        "办理状态",
        "办结日期",
        "经办人",
        "备注",
        "附件",
    ]
    lines = list(unit.iter_rows(min_row=2, values_only=True))
    assert [line[1] for line in lines] == [
        rules.KIND_TEXT[k]
        for k in (
            rules.CRITICISM,
            rules.WRITTEN_REPORT,
            rules.NO_HONOURS,
            rules.BONUS_FORFEIT,
            rules.REMOVAL,
        )
    ]
    report, forfeit, removed = lines[1], lines[3], lines[4]
    assert report[5] == DUE.isoformat() and report[6] == "待办"
    assert forfeit[3] == -1 and forfeit[2] == "七.(二).2"
    assert removed[4].startswith("主要负责人任现职时间满一年") and removed[4].endswith("（已确认）")
    assert removed[6:10] == ("已办结", TODAY.isoformat(), STAFF, "已免职")
    assert unit.print_title_rows == "$1:$1"
    v4 = [line[1] for line in book["单位V4"].iter_rows(min_row=2, values_only=True)]
    assert rules.KIND_TEXT[rules.TRANSFER] in v4 and rules.KIND_TEXT[rules.SUPERIOR_LETTER] in v4
