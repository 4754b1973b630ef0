"""The ledger's pages, the bulk import, the history across years and the letter (PDF)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from pingyi.accounts.actors import Actor
from pingyi.audit.models import AuditEntry
from pingyi.rectification.models import Item, Plan, ProgressNote, UnitAccess, UnitRole
from pingyi.rectification.services import item_add, item_progress
from pingyi.rules import ledger as rules
from tests.rectification.conftest import PDF, Ledger, as_, final_notice
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    return str(response.content.decode())


def test_overdue_is_decided_by_the_injected_day() -> None:
    deadline = dt.date(2026, 6, 30)
    assert not rules.is_overdue(deadline=deadline, status="in_progress", today=deadline)
    assert rules.is_overdue(
        deadline=deadline, status="in_progress", today=deadline + dt.timedelta(days=1)
    )
    for finished in ("done", "closed_out"):
        assert not rules.is_overdue(deadline=deadline, status=finished, today=dt.date(2027, 1, 1))
    soon = [
        rules.is_due_soon(
            deadline=deadline, status="not_started", today=deadline - dt.timedelta(days=d)
        )
        for d in (-1, 0, 7, 8)
    ]
    assert soon == [False, True, True, False]
    assert rules.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


def test_members_read_the_plan_and_cannot_change_it(ledger: Ledger) -> None:
    page = _text(_client(ledger.mike).get(f"/staff/ledger/plans/{ledger.plan.pk}/"))
    assert "办事窗口排队时间长" in page and 'id="read-only"' in page
    assert "<form" not in page.split("<main>")[1]
    response = _client(ledger.mike).post(
        f"/staff/ledger/items/{ledger.item.pk}/progress", {"text": "我来改"}
    )
    assert response.status_code == 403 and not ProgressNote.objects.exists()


def test_the_owner_records_progress_with_evidence_and_the_supervisor_closes_out(
    ledger: Ledger,
) -> None:
    owner = _client(ledger.olga)
    url = f"/staff/ledger/items/{ledger.item.pk}/progress"
    owner.post(url, {"text": "开始整改", "status": "in_progress"})
    report = SimpleUploadedFile("整改报告.pdf", PDF, content_type="application/pdf")
    owner.post(url, {"text": "完成，附报告", "status": "done", "evidence": report})
    page = _text(owner.get(f"/staff/ledger/plans/{ledger.plan.pk}/"))
    assert "整改报告.pdf" in page and "close-out-form" not in page  # the owner cannot approve
    note = ProgressNote.objects.get(text="完成，附报告")
    file = note.evidence.get()
    download = _client(ledger.mike).get(f"/staff/ledger/evidence/{file.pk}")
    assert download.content == PDF and "attachment" in download["Content-Disposition"]
    assert _client(ledger.dave).get(f"/staff/ledger/evidence/{file.pk}").status_code == 404
    supervisor = _client(ledger.alice)
    assert "close-out-form" in _text(supervisor.get(f"/staff/ledger/plans/{ledger.plan.pk}/"))
    supervisor.post(f"/staff/ledger/items/{ledger.item.pk}/close-out", {"note": "验收通过"})
    item = Item.objects.get(pk=ledger.item.pk)
    assert (item.status, item.closed_out_by) == ("closed_out", "alice")


def test_a_refused_evidence_file_is_a_message_and_stores_nothing(ledger: Ledger) -> None:
    script = SimpleUploadedFile("report.pdf", b"<script>alert(1)</script>")
    response = _client(ledger.olga).post(
        f"/staff/ledger/items/{ledger.item.pk}/progress",
        {"text": "附件", "evidence": script},
        follow=True,
    )
    assert "report.pdf is not really a PDF file" in _text(response)
    assert not ProgressNote.objects.exists()


def test_overdue_items_stand_out(ledger: Ledger) -> None:
    Item.objects.filter(pk=ledger.item.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    page = _text(_client(ledger.alice).get(f"/staff/ledger/plans/{ledger.plan.pk}/"))
    assert 'class="card item overdue"' in page and "overdue-mark" in page
    home = _text(_client(ledger.alice).get("/staff/ledger/"))
    assert '<tr class="overdue">' in home


def _upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_the_bulk_update_imports_or_rejects_every_row(ledger: Ledger) -> None:
    other = Item.objects.exclude(plan__organization=ledger.plan.organization).first()
    second = item_add(
        plan=ledger.plan, description="d", measures="m", target="t", owner="o",
        deadline=dt.date(2026, 9, 1), actor=as_("alice"),
    )  # fmt: skip
    item_progress(item=second, text="a", status="in_progress", actor=as_("olga"))
    item_progress(item=second, text="b", status="done", actor=as_("olga"))
    rows = [
        "编号,状态,进展,责任人,完成时限",
        f"{ledger.item.pk},进行中,已增设窗口,李科长,2026-08-15",
        "999999,进行中,,,",
        f"{ledger.item.pk},完成了,,,",
        f"{second.pk},已销号,,,",
        f"{ledger.item.pk},,,,2026-13-40",
        f"{second.pk},,,,",
    ]
    if other is not None:
        rows.append(f"{other.pk},进行中,,,")
    response = _client(ledger.alice).post(
        "/staff/ledger/import", {"file": _upload("ledger.csv", "\n".join(rows) + "\n")}
    )
    page = _text(response)
    rejected = len(rows) - 2
    assert response.status_code == 200
    assert f"Imported 1 rows, rejected {rejected}." in page
    for reason in (
        "no item &#x27;999999&#x27; in a plan your office supervises",
        "&#x27;完成了&#x27; is not a status; expected one of: 未开始, 进行中, 已完成, 已销号",
        "closing out is the supervising office&#x27;s approval",
        "&#x27;2026-13-40&#x27; is not a date; expected YYYY-MM-DD",
        "the row changes nothing",
    ):
        assert reason in page, reason
    item = Item.objects.get(pk=ledger.item.pk)
    assert (item.status, item.owner, item.deadline) == (
        "in_progress",
        "李科长",
        dt.date(2026, 8, 15),
    )
    assert Item.objects.get(pk=second.pk).status == "done"


def test_the_ledger_export_reads_back_through_the_import(ledger: Ledger) -> None:
    from openpyxl import load_workbook

    content = _client(ledger.alice).get("/staff/ledger/ledger.xlsx").content
    book = load_workbook(io.BytesIO(content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "单位", "依据")
    assert rows[1][0] == ledger.item.pk and rows[1][8] == "未开始"
    book.active.cell(row=2, column=9, value="进行中")
    book.active.cell(row=2, column=11, value="开始整改")
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("ledger.xlsx", out.getvalue())
    page = _text(_client(ledger.alice).post("/staff/ledger/import", {"file": upload}))
    assert "Imported 1 rows, rejected 0." in page
    assert Item.objects.get(pk=ledger.item.pk).status == "in_progress"


def test_the_history_shows_the_years_and_a_second_last_place_stands_out(
    db: None, tmp_path: Path
) -> None:
    final_notice(tmp_path, year=2025)
    notice = final_notice(tmp_path, year=2026)
    from pingyi.accounts.models import Membership, Role

    alice = User.objects.create_user("alice")
    Membership.objects.create(user=alice, organization=notice.organization, role=Role.VIEWER)
    assert notice.campaign is not None
    series = notice.campaign.series_id
    page = _text(_client(alice).get(f"/staff/history/{series}/L7/"))
    assert page.count("<tr") == 3 and "<svg" in page and "<polyline" in page
    assert "责成主要负责人引咎辞职或根据组织考察情况作降职、免职处理" in page
    vertical = _text(_client(alice).get(f"/staff/history/{series}/V4/"))
    assert "评议结果通报其上一级主管部门，建议其主要负责人调离" in vertical
    letter = _client(alice).get(f"/staff/history/{series}/V4/letter-2026.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.content)).pages)
    text = text.replace("\n", "")
    assert "关于单位V4 2026年度评议结果的函".replace(" ", "") in text.replace(" ", "")
    assert "该单位连续两年被评为末位单位" in text
    assert _client(alice).get(f"/staff/history/{series}/L7/letter-2026.pdf").status_code == 404


def test_the_office_gives_a_person_of_the_unit_access_to_its_plans(ledger: Ledger) -> None:
    nina = User.objects.create_user("nina")
    office = client_for(ledger.alice)
    url = f"/staff/ledger/plans/{ledger.plan.pk}/"
    assert client_for(nina).get(url).status_code == 404
    response = office.post(url + "people", {"username": "nina", "role": "member"}, follow=True)
    assert "Access given." in response.content.decode()
    assert client_for(nina).get(url).status_code == 200
    refused = office.post(url + "people", {"username": "nobody", "role": "owner"}, follow=True)
    assert "no account &#x27;nobody&#x27;: the administrator creates it first" in (
        refused.content.decode()
    )
    office.post(url + "people", {"username": "nina", "role": "owner"})
    assert UnitAccess.objects.get(user=nina).role == UnitRole.OWNER  # changed, not doubled
    entry = AuditEntry.objects.filter(action="rectification.unit.access").last()
    assert entry is not None and entry.data == {"user": "nina", "unit": "L7", "role": "owner"}


def test_too_many_evidence_files_are_refused_before_any_is_read(ledger: Ledger) -> None:
    files = [SimpleUploadedFile(f"p{n}.pdf", PDF) for n in range(6)]
    response = _client(ledger.olga).post(
        f"/staff/ledger/items/{ledger.item.pk}/progress",
        {"text": "附件", "evidence": files},
        follow=True,
    )
    assert "at most 5 files with one progress note" in _text(response)
    assert not ProgressNote.objects.exists()


def test_the_history_shows_no_figure_of_a_campaign_under_k_ballots(
    db: None, tmp_path: Path
) -> None:
    from pingyi.accounts.models import Membership, Role
    from pingyi.ballots.services import ballots_import
    from pingyi.campaigns.selectors import campaign_scheme
    from pingyi.campaigns.services import campaign_close
    from pingyi.inputs.p1_files import read_ballots
    from tests.cast import STAFF, make_campaign

    campaign = make_campaign()
    path = tmp_path / "few.csv"
    path.write_text("ballot_no,L1,L2,V1,F1\n1,满意,满意,满意,满意\n2,不满意,满意,,\n", "utf-8")
    rows = read_ballots(path, ["L1", "L2", "V1", "F1"], campaign_scheme(campaign))
    ballots_import(campaign=campaign, rows=rows, actor=Actor.operator(STAFF))
    campaign_close(campaign=campaign, actor=Actor.operator(STAFF))
    alice = User.objects.create_user("alice")
    Membership.objects.create(
        user=alice, organization=campaign.series.organization, role=Role.VIEWER
    )
    page = _text(_client(alice).get(f"/staff/history/{campaign.series_id}/L1/"))
    assert "2026" in page and "%" not in page and "组织部" not in page


def test_a_units_access_does_not_reach_the_same_code_of_another_series(
    ledger: Ledger, tmp_path: Path
) -> None:
    other = final_notice(tmp_path, series="another-series")
    plan = Plan.objects.get(notice=other, unit_code="L7")
    assert plan.organization_id == ledger.plan.organization_id  # same office, same code
    olga = _client(ledger.olga)
    assert olga.get(f"/staff/ledger/plans/{ledger.plan.pk}/").status_code == 200
    assert olga.get(f"/staff/ledger/plans/{plan.pk}/").status_code == 404


def test_the_ledger_template_is_linked_beside_the_import_with_a_status_drop_down(
    ledger: Ledger,
) -> None:
    from openpyxl import load_workbook

    client = _client(ledger.alice)
    page = client.get("/staff/ledger/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'href="/staff/ledger/ledger.xlsx" id="ledger-template">下载模板</a>' in page
    sheet = load_workbook(io.BytesIO(client.get("/staff/ledger/ledger.xlsx").content)).active
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert [(str(v.sqref), v.formula1) for v in lists] == [("I2:I501", '"未开始,进行中,已完成"')]


def test_an_item_done_at_once_goes_from_not_started_to_done_with_its_note_and_evidence(
    ledger: Ledger,
) -> None:
    owner = _client(ledger.olga)
    report = SimpleUploadedFile("整改报告.pdf", PDF, content_type="application/pdf")
    response = owner.post(
        f"/staff/ledger/items/{ledger.item.pk}/progress",
        {"text": "当日整改完毕", "status": "done", "evidence": report},
        follow=True,
    )
    assert "Progress recorded." in _text(response)
    item = Item.objects.get(pk=ledger.item.pk)
    note = ProgressNote.objects.get(item=item)
    assert (item.status, note.text, note.status_after) == ("done", "当日整改完毕", "done")
    assert [e.original_name for e in note.evidence.all()] == ["整改报告.pdf"]


def test_an_empty_evidence_file_is_named_as_the_problem(ledger: Ledger) -> None:
    """Issue 12 (6): an empty evidence file was answered "请填写整改进展" (say what was done),
    though the text was there; the answer names the evidence and what is wrong with it."""
    owner = _client(ledger.olga)
    empty = SimpleUploadedFile("整改报告.pdf", b"", content_type="application/pdf")
    response = owner.post(
        f"/staff/ledger/items/{ledger.item.pk}/progress",
        {"text": "已整改", "evidence": empty},
        follow=True,
        headers={"accept-language": "zh-hans"},
    )
    errors = re.findall(r'<li class="error">([^<]*)', _text(response))
    assert errors == [
        "佐证材料（PDF、PNG 或 JPEG，每个不超过 10 MB，最多 5 个文件）: 所提交的是空文件。"
    ]
    assert not ProgressNote.objects.filter(item=ledger.item).exists()


def test_a_failure_to_write_an_evidence_file_is_a_logged_500_not_a_refusal(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 11: the built-in PermissionError is an OSError. When the disk refused the evidence
    file, the page said "your role does not allow this" (403) and nothing was logged; it is a
    server error, logged, on Pingyi's own 500 page — and a role's refusal is still a 403."""
    write_bytes = Path.write_bytes

    def disk_refuses(path: Path, data: Any) -> int:
        if "evidence" in path.parts:
            raise PermissionError(13, "Permission denied", str(path))
        return write_bytes(path, data)

    monkeypatch.setattr(Path, "write_bytes", disk_refuses)
    owner = Client(raise_request_exception=False)
    owner.force_login(ledger.olga)
    report = SimpleUploadedFile("整改报告.pdf", PDF, content_type="application/pdf")
    url = f"/staff/ledger/items/{ledger.item.pk}/progress"
    with caplog.at_level("ERROR", logger="django.request"):
        response = owner.post(
            url,
            {"text": "完成，附报告", "status": "done", "evidence": report},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert response.status_code == 500
    assert "服务器出现错误，未作任何更改" in _text(response)
    logged = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert logged and isinstance(logged[0].exc_info[1], PermissionError)  # type: ignore[index]
    assert not ProgressNote.objects.exists()
    refused = _client(ledger.mike).post(url, {"text": "我来改"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 403 and "您的角色" in _text(refused)
