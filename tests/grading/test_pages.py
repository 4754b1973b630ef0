"""The grading pages as each role uses them, and what each role may see (R17, per object)."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from pingyi.accounts.models import Membership, Organization, Role
from pingyi.grading import decisions
from pingyi.grading.models import Committee, GradingRound, Review, SelfEvaluation, SurveyEntry
from pingyi.grading.services import role_assign
from pingyi.jobs.models import Job
from pingyi.rules import grading as rules
from tests.chinese import ZH
from tests.grading.conftest import (
    DEPT,
    FULL,
    ORGS,
    advance_to,
    decided,
    make_round,
    noticed,
    office,
    op,
    org,
)
from tests.grading.test_decisions import TOTALS
from tests.jobs.conftest import finish_jobs, through_job
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


def _user(name: str) -> User:
    return User.objects.create_user(name)


def _department() -> Client:
    user = _user("alice")
    Membership.objects.create(user=user, organization=office(), role=Role.STAFF)
    return client_for(user)


def _role(grading_round: GradingRound, name: str, kind: str, code: str = "V1") -> Client:
    user = _user(name)
    committee = (
        Committee.objects.get(round=grading_round, name=code) if kind == "committee" else None
    )
    target = None if committee else org(grading_round, code)
    role_assign(
        grading_round=grading_round,
        username=name,
        kind=kind,
        committee=committee,
        org=target,
        actor=op(DEPT),
    )
    return client_for(user)


def _url(grading_round: GradingRound, tail: str = "") -> str:
    return f"/staff/grading/{grading_round.code}/{tail}"


def test_an_organization_sees_only_itself(db: None, tmp_path: Path) -> None:
    grading_round = make_round(tmp_path)
    olga = _role(grading_round, "olga", "org", "V1")
    assert olga.get(_url(grading_round, "o/V1/")).status_code == 200
    assert olga.get(_url(grading_round, "o/V2/")).status_code == 404
    page = olga.get(_url(grading_round)).content.decode()
    assert "二村党支部" in page and "三村党支部" not in page
    assert (
        olga.get(_url(grading_round, f"k/{org(grading_round, 'V1').committee_id}/")).status_code
        == 404
    )


def test_a_committee_sees_only_its_organizations(db: None, tmp_path: Path) -> None:
    grading_round = make_round(tmp_path)
    carol = _role(grading_round, "carol", "committee", "甲镇党委")
    assert carol.get(_url(grading_round, "o/B1/")).status_code == 200
    assert carol.get(_url(grading_round, "o/S1/")).status_code == 404
    other = Committee.objects.get(round=grading_round, name="乙街道党工委")
    assert carol.get(_url(grading_round, f"k/{other.pk}/")).status_code == 404
    page = carol.get(_url(grading_round)).content.decode()
    assert "社区党委" not in page and "第一党总支" in page


def test_an_assessor_sees_only_the_organizations_assigned(db: None, tmp_path: Path) -> None:
    grading_round = advance_to(make_round(tmp_path), rules.ASSESSMENT)
    erin = _role(grading_round, "erin", "assessor", "V1")
    assert erin.get(_url(grading_round, "o/V1/assess")).status_code == 200
    assert erin.get(_url(grading_round, "o/V2/")).status_code == 404
    assert erin.get(_url(grading_round, "o/V2/assess")).status_code == 404


def test_another_tenant_finds_nothing(db: None, tmp_path: Path) -> None:
    grading_round = make_round(tmp_path)
    charlie = _user("charlie")
    elsewhere = Organization.objects.create(code="elsewhere", name="另一个组织部")
    Membership.objects.create(user=charlie, organization=elsewhere, role=Role.ADMIN)
    client = client_for(charlie)
    assert grading_round.name not in client.get("/staff/grading/").content.decode()
    for tail in ("", "o/V1/", "review", f"k/{org(grading_round, 'V1').committee_id}/"):
        assert client.get(_url(grading_round, tail)).status_code == 404


def test_the_department_creates_a_round_and_sees_a_bad_file_explained(db: None) -> None:
    client = _department()
    response = client.post(
        "/staff/grading/new",
        {
            "organization": office().pk,
            "year": 2026,
            "name": "2026年分类定级",
            "rubric": "five-goods",
        },
    )
    grading_round = GradingRound.objects.get()
    assert response.status_code == 302 and response["Location"] == _url(grading_round)
    bad = SimpleUploadedFile("orgs.csv", (ORGS + "Z1,某支部,太空,甲镇党委,,,\n").encode())
    started = client.post(_url(grading_round, "import"), {"file": bad})
    finish_jobs()  # the import is a job (R27): its page explains the refusal
    page = client.get(started["Location"]).content.decode()
    assert "orgs.csv, row 10, column C (sector): sector &#x27;太空&#x27; is unknown" in page
    good = SimpleUploadedFile("orgs.csv", ORGS.encode())
    started = client.post(_url(grading_round, "import"), {"file": good})
    finish_jobs()
    page = client.get(started["Location"]).content.decode()
    assert "rows imported." in page and f'href="{_url(grading_round)}"' in page
    assert "新建企业党支部" in client.get(_url(grading_round)).content.decode()


def _self_post() -> dict[str, object]:
    scores = {f"score_{k}": v for k, v in FULL.items()} | {"score_mass_evaluation": 14}
    return scores | {"claimed_grade": "好", "achievements": "集体经济增收", "problems": "阵地偏小"}


def test_an_organization_submits_its_self_evaluation_and_then_reads_it_locked(
    db: None, tmp_path: Path
) -> None:
    grading_round = advance_to(make_round(tmp_path), rules.SELF_EVALUATION)
    olga = _role(grading_round, "olga", "org", "V1")
    form_page = olga.get(_url(grading_round, "o/V1/")).content.decode()
    assert 'id="self-form"' in form_page and "政治素质和廉洁自律" in form_page  # the standards
    bad = olga.post(_url(grading_round, "o/V1/self"), _self_post() | {"score_leader": 25})
    assert bad.status_code == 400 and not SelfEvaluation.objects.exists()
    response = olga.post(_url(grading_round, "o/V1/self"), _self_post(), follow=True)
    page = response.content.decode()
    assert "Self-evaluation submitted." in page and 'id="self-form"' not in page
    assert 'id="self-evaluation"' in page and "99" in page


def test_an_assessor_must_give_a_reason_for_each_deduction(db: None, tmp_path: Path) -> None:
    grading_round = advance_to(make_round(tmp_path), rules.ASSESSMENT)
    erin = _role(grading_round, "erin", "assessor", "V1")
    post = {f"score_{k}": v for k, v in FULL.items()} | {"score_rules": 12}
    refused = erin.post(_url(grading_round, "o/V1/assess"), post)
    assert refused.status_code == 400
    assert "工作制度: 3 points deducted need a written reason" in refused.content.decode()
    done = erin.post(_url(grading_round, "o/V1/assess"), post | {"reason_rules": "会议记录不全"})
    assert done.status_code == 302
    page = erin.get(_url(grading_round, "o/V1/")).content.decode()
    assert "会议记录不全" in page


def test_the_committee_files_after_justifying_and_the_department_returns_one(
    db: None, tmp_path: Path
) -> None:
    grading_round = decided(tmp_path, TOTALS)
    dan = _role(grading_round, "dan", "committee", "乙街道党工委")
    committee = Committee.objects.get(round=grading_round, name="乙街道党工委")
    page = dan.get(_url(grading_round, f"k/{committee.pk}/")).content.decode()
    assert "好 is above its quota (1 of 2, at most 0)" in page
    quota = dan.get(_url(grading_round, f"k/{committee.pk}/"), headers=ZH).content.decode()
    assert "10%左右" in quota  # the seed's words, not 约 10.0%
    base = _url(grading_round, f"k/{committee.pk}/")
    dan.post(base + "justify", {"kind": "excellent", "text": "社区为全国示范"})
    for code in ("S1", "O1"):
        dan.post(base + "explain", {"org": code, "text": f"{code}说明"})
    page = dan.post(base + "file", follow=True).content.decode()
    assert "the grades go on public notice before filing" in page
    noticed(grading_round)
    page = dan.post(base + "file", follow=True).content.decode()
    assert "Filed with the organization department." in page
    alice = _department()
    review = alice.get(_url(grading_round, "review")).content.decode()
    assert review.index('id="review-S1"') < review.index('id="review-O1"')  # 好 first
    alice.post(_url(grading_round, "o/O1/review"), {"verdict": "returned", "comment": "请核实"})
    assert Review.objects.get().comment == "请核实"
    page = dan.get(base).content.decode()
    assert "Returned" in page and "请核实" in page


def test_an_organization_reads_its_grade_only_once_approved(db: None, tmp_path: Path) -> None:
    grading_round = decided(tmp_path, TOTALS)
    olga = _role(grading_round, "olga", "org", "V1")
    assert 'id="result"' not in olga.get(_url(grading_round, "o/V1/")).content.decode()
    committee = Committee.objects.get(round=grading_round, name="甲镇党委")
    decisions.quota_justify(committee=committee, kind="excellent", text="x", actor=op("c"))
    for code in ("G1", "B1", "X1"):
        decisions.explanation_write(org=org(grading_round, code), text="说明", actor=op("c"))
    noticed(grading_round)
    decisions.filing_submit(committee=committee, actor=op("c"))
    for member in committee.orgs.all():
        decisions.review_record(org=member, verdict="approved", comment="", actor=op(DEPT))
    page = olga.get(_url(grading_round, "o/V1/")).content.decode()
    assert 'id="result"' in page and "较好" in page


def test_the_department_downloads_the_report_tables_once_all_are_graded(
    db: None, tmp_path: Path
) -> None:
    department = _department()
    waiting = make_round(tmp_path, year=2025)
    page = department.get(_url(waiting)).content.decode()
    assert "the reports need a grade for every organization; 8 cannot be graded yet" in page
    response = department.get(_url(waiting, "reports.xlsx"))
    assert response.status_code == 302

    grading_round = decided(tmp_path, TOTALS)
    page = department.get(_url(grading_round)).content.decode()
    assert "<svg" in page and "Grade shares by sector (%)" in page
    response = through_job(department, _url(grading_round, "reports.xlsx"))
    assert response.status_code == 200
    disposition = f'attachment; filename="{grading_round.code}-grading.xlsx"'
    assert response["Content-Disposition"] == disposition
    workbook = openpyxl.load_workbook(io.BytesIO(response.content_bytes), read_only=True)
    assert workbook.sheetnames[:5] == ["汇总表", "明细表", "较差名单", "较差状况明细表", "一览表"]
    detail = [row for row in workbook["明细表"].iter_rows(values_only=True) if row[1] in TOTALS]
    assert {row[1] for row in detail} == set(TOTALS)
    x1 = next(row for row in detail if row[1] == "X1")
    assert (x1[11], x1[12], x1[13]) == (99, "好", "较差")  # total, by score, decided
    poor = [row for row in workbook["较差名单"].iter_rows(values_only=True) if "四村党支部" in row]
    assert poor, "X1 (a violation) is on the poor list"
    pdf = through_job(department, _url(grading_round, "reports.pdf"))
    assert pdf.status_code == 200 and pdf.content_bytes.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content_bytes)).pages)
    assert "四村党支部" in text
    assert department.get(_url(grading_round, "reports.csv")).status_code == 404


def test_moving_the_round_on_asks_first_and_says_what_opens(db: None, tmp_path: Path) -> None:
    grading_round = make_round(tmp_path)
    client = _department()
    page = client.get(_url(grading_round)).content.decode()
    assert f'href="{_url(grading_round, "advance")}"' in page
    confirm = client.get(_url(grading_round, "advance")).content.decode()
    assert "The round leaves “Setup” and enters “Self-evaluation”" in confirm
    count = grading_round.orgs.count()
    assert f"The list of its {count} party organizations is fixed" in confirm
    grading_round.refresh_from_db()
    assert grading_round.status == rules.SETUP
    client.post(_url(grading_round, "advance"))
    grading_round.refresh_from_db()
    assert grading_round.status == rules.SELF_EVALUATION
    confirm = client.get(_url(grading_round, "advance")).content.decode()
    assert "the assessors' scores, talks and ratings open" in confirm.replace("&#x27;", "'")


def test_a_committee_downloads_the_reports_of_its_own_organizations_only(
    db: None, tmp_path: Path
) -> None:
    """Seed 003: each committee files its 汇总表 and 一览表 — with its organizations, not the
    other committee's; another committee's job is not found, an organization is refused."""
    grading_round = decided(tmp_path, TOTALS)
    carol = _role(grading_round, "carol", "committee", "甲镇党委")
    dan = _role(grading_round, "dan", "committee", "乙街道党工委")
    page = carol.get(_url(grading_round)).content.decode()
    assert _url(grading_round, "reports.xlsx") in page
    response = through_job(carol, _url(grading_round, "reports.xlsx"))
    assert response.status_code == 200
    name = quote(f"{grading_round.code}-grading-甲镇党委.xlsx")  # named by its committee
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{name}"
    workbook = openpyxl.load_workbook(io.BytesIO(response.content_bytes), read_only=True)
    detail = [row for row in workbook["明细表"].iter_rows(values_only=True) if row[1] in TOTALS]
    assert {row[1] for row in detail} == {"G1", "B1", "V1", "V2", "N1", "X1"}
    carol_job = Job.objects.order_by("-created_at").first()
    assert carol_job is not None
    assert dan.get(f"/staff/jobs/{carol_job.pk}/").status_code == 404
    assert dan.get(f"/staff/jobs/{carol_job.pk}/download").status_code == 404
    pdf = through_job(dan, _url(grading_round, "reports.pdf"))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content_bytes)).pages)
    assert "社区党委" in text and "四村党支部" not in text
    assert f"{grading_round.name} · 乙街道党工委" in text
    olga = _role(grading_round, "olga", "org", "V1")
    assert olga.get(_url(grading_round, "reports.xlsx")).status_code == 403


def test_an_entered_rate_is_approved_on_the_page_by_another_person_of_the_department(
    db: None, tmp_path: Path
) -> None:
    from pingyi.grading.services import assessment_submit

    grading_round = advance_to(make_round(tmp_path), rules.ASSESSMENT)
    alice = _department()
    dora_user = _user("dora")
    Membership.objects.create(user=dora_user, organization=office(), role=Role.STAFF)
    dora = client_for(dora_user)
    target = org(grading_round, "V1")
    assessment_submit(
        org=target, scores={k: Fraction(v) for k, v in FULL.items()}, reasons={}, actor=op("erin")
    )
    body = {"rate": "92.5", "ballots": "20", "reason": "纸质测评汇总"}  # kept as "37/40"
    alice.post(_url(grading_round, "o/V1/rate"), body)
    page = alice.get(_url(grading_round, "o/V1/"), headers=ZH).content.decode()
    assert 'id="rate-entry"' in page and "纸质测评汇总" in page and "92.50%" in page
    assert 'id="rate-decide-form"' not in page  # not to the one who entered it
    assert "待审批" in page
    assert alice.post(_url(grading_round, "o/V1/rate/decide"), {"decision": "approve"})
    assert SurveyEntry.objects.get(org=target).status == "pending"
    page = dora.get(_url(grading_round, "o/V1/"), headers=ZH).content.decode()
    assert 'id="rate-decide-form"' in page
    dora.post(_url(grading_round, "o/V1/rate/decide"), {"decision": "approve"})
    entry = SurveyEntry.objects.get(org=target)
    assert (entry.status, entry.decided_by) == ("approved", "dora")
    page = dora.get(_url(grading_round, "o/V1/"), headers=ZH).content.decode()
    assert 'id="rate-decide-form"' not in page and "已通过" in page


def test_a_committee_sets_another_rectification_period_only_with_its_reason(
    db: None, tmp_path: Path
) -> None:
    grading_round = decided(tmp_path, {"G1": 95, "B1": 95, "V1": 70, "V2": 85, "N1": 85,
                                       "X1": 85, "S1": 85, "O1": 85})  # fmt: skip
    carol = _role(grading_round, "carol", "committee", "甲镇党委")
    committee = Committee.objects.get(round=grading_round, name="甲镇党委")
    url = _url(grading_round, f"k/{committee.pk}/follow-up")
    page = carol.get(_url(grading_round, f"k/{committee.pk}/"), headers=ZH).content.decode()
    assert 'id="follow-months"' in page and "默认集中整改 3 个月" in page
    body = {"org": "V1", "problems": "组织生活不规范", "measures": "建立台账", "months": "2"}
    page = carol.post(url, body, headers=ZH, follow=True).content.decode()
    assert "整改期限不同于默认的 3 个月时，须填写理由" in page
    page = carol.post(url, body | {"months": "两"}, headers=ZH, follow=True).content.decode()
    assert "整改期限：请填写整数月数。" in page
    carol.post(url, body | {"months_reason": "问题单一"}, headers=ZH)
    follow = org(grading_round, "V1").follow_up
    assert (follow.rectification_months, follow.rectification_reason) == (2, "问题单一")
