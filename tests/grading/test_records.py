"""What is recorded beside the grades (grading/records.py; seed 003): the committee's 工作总结
filed with its tables, a violation's cause, the benefits of 好, the assessment's references,
and the 公示牌 — through the services, the tables, the pages, the API and the CLI."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from pingyi import evidence
from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.audit.models import AuditEntry
from pingyi.cli import main
from pingyi.exports.grading_reports import BenefitReport, DetailReport, PoorListReport
from pingyi.grading import decisions, records
from pingyi.grading.board import board_orgs, board_write
from pingyi.grading.models import (
    Benefit,
    Committee,
    FilingStatus,
    GradingRound,
    Reference,
    WorkSummary,
)
from pingyi.grading.selectors import E_FILE_SUMMARY, grading_reports, grading_state
from pingyi.grading.services import role_assign
from pingyi.rules import grading as rules
from pingyi.rules.errors import RuleError
from tests.chinese import ZH
from tests.grading.conftest import DEPT, advance_to, decided, make_round, noticed, op, org
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db

TOTALS: dict[str, int | str] = {
    "G1": 92, "B1": 70, "V1": 85, "V2": 65, "N1": 95, "X1": 99, "S1": 91, "O1": "79.5",
}  # fmt: skip
CARL = Actor.operator("carol")
PDF_BYTES = b"%PDF-1.4\n% a scan of the summary\n"


def _message(exc: pytest.ExceptionInfo[RuleError]) -> str:
    return exc.value.message(lambda s: s)


def _committee(grading_round: GradingRound, name: str = "甲镇党委") -> Committee:
    return Committee.objects.select_related("round").get(round=grading_round, name=name)


def _settle(grading_round: GradingRound, name: str = "甲镇党委") -> Committee:
    """Justifies the committee's excesses and writes its explanations: it may file."""
    committee = _committee(grading_round, name)
    state = grading_state(grading_round).committee(committee.pk)
    for kind in state.unjustified():
        decisions.quota_justify(committee=committee, kind=kind, text="党委会研究", actor=op("c"))
    for s in state.orgs:
        if s.needs_explanation and not s.explained:
            decisions.explanation_write(org=s.org, text="情况说明", actor=op("c"))
    return committee


def _user(grading_round: GradingRound, name: str, kind: str, target: str) -> User:
    user = User.objects.create_user(name)
    if kind == "committee":
        role_assign(grading_round=grading_round, username=name, kind=kind,
                    committee=_committee(grading_round, target), actor=op(DEPT))  # fmt: skip
    else:
        role_assign(grading_round=grading_round, username=name, kind=kind,
                    org=org(grading_round, target), actor=op(DEPT))  # fmt: skip
    return user


# ------------------------------------------------------------------------ 工作总结


def test_a_committee_files_only_with_its_work_summary(db: None, tmp_path: Path) -> None:
    grading_round = decided(tmp_path, TOTALS, summaries=False)
    committee = _settle(grading_round)
    noticed(grading_round)
    state = grading_state(grading_round)
    blockers = state.committee(committee.pk).blockers(state.scheme)
    assert [b.template for b in blockers] == [E_FILE_SUMMARY]
    with pytest.raises(RuleError) as refused:
        decisions.filing_submit(committee=committee, actor=op("carol"))
    assert _message(refused) == (
        "the committee cannot file yet: the work summary (工作总结) is missing: the committee "
        "files it with its tables"
    )


def test_the_work_summary_keeps_its_text_and_file_and_goes_with_the_filing(
    db: None, tmp_path: Path
) -> None:
    grading_round = decided(tmp_path, TOTALS, summaries=False)
    committee = _settle(grading_round)
    upload = evidence.Upload(name="总结.pdf", content=PDF_BYTES)
    summary = records.work_summary_file(
        committee=committee, text="  按五个步骤完成定级。 ", upload=upload, actor=CARL
    )
    assert (summary.text, summary.original_name, summary.content_type) == (
        "按五个步骤完成定级。", "总结.pdf", "application/pdf",
    )  # fmt: skip
    assert evidence.path_of(summary.stored_name).read_bytes() == PDF_BYTES
    again = records.work_summary_file(committee=committee, text="修改后的总结", actor=CARL)
    assert (again.text, again.stored_name) == ("修改后的总结", summary.stored_name)  # file kept
    assert AuditEntry.objects.filter(action="grading.summary.filed").count() == 2
    noticed(grading_round)
    assert decisions.filing_submit(committee=committee, actor=op("carol")).status == "filed"
    with pytest.raises(RuleError) as filed:
        records.work_summary_file(committee=committee, text="再改", actor=CARL)
    assert _message(filed).startswith("the committee 甲镇党委 has filed its grades")
    assert WorkSummary.objects.get().text == "修改后的总结"


def test_a_summary_is_refused_without_text_or_with_a_disguised_file(
    db: None, tmp_path: Path
) -> None:
    committee = _committee(decided(tmp_path, TOTALS, summaries=False))
    with pytest.raises(RuleError) as empty:
        records.work_summary_file(committee=committee, text=" ", actor=CARL)
    assert _message(empty) == "the work summary needs its text"
    script = evidence.Upload(name="总结.pdf", content=b"<script>")
    with pytest.raises(RuleError) as disguised:
        records.work_summary_file(committee=committee, text="总结", upload=script, actor=CARL)
    assert _message(disguised) == "总结.pdf is not really a PDF file (its content says otherwise)"
    assert not WorkSummary.objects.exists()


def test_only_the_committee_writes_its_summary(db: None, tmp_path: Path) -> None:
    grading_round = decided(tmp_path, TOTALS, summaries=False)
    other = _user(grading_round, "dan", "committee", "乙街道党工委")
    with pytest.raises(AccessDenied):
        records.work_summary_file(
            committee=_committee(grading_round), text="总结", actor=Actor.of(other)
        )


# ------------------------------------------------------------------------ violations


def test_a_violation_with_the_seeds_cause_forces_poor_and_is_printed(
    db: None, tmp_path: Path
) -> None:
    grading_round = decided(tmp_path, TOTALS)
    v1 = org(grading_round, "V1")
    records.violation_record(org=v1, cause="attitude", reason="打击欺行霸市行动推诿", actor=CARL)
    state = grading_state(grading_round).org("V1")
    assert (state.grade, state.graded.overrides) == ("较差", ["violation"])  # type: ignore[union-attr]
    rows = {r.code: r for r in grading_reports(grading_round)}
    detail = DetailReport(list(rows.values()))
    line = next(r for r in detail.rows() if r[1] == "V1")
    assert "违纪违法（在“三打两建”中态度不坚决：打击欺行霸市行动推诿）" in line
    poor = [r for r in PoorListReport(list(rows.values())).rows() if r[2] == "二村党支部"]
    assert poor[0][-1] == "在“三打两建”中态度不坚决：打击欺行霸市行动推诿"
    entry = AuditEntry.objects.get(action="grading.violation.recorded")
    assert entry.data == {"org": "V1", "cause": "attitude", "reason": "打击欺行霸市行动推诿"}


@pytest.mark.parametrize(
    ("code", "cause", "reason", "message"),
    [
        ("V1", "bribery", "r", "the cause must be one of: crime, umbrella"),
        ("V1", "crime", " ", "a violation needs its recorded reason"),
        ("B1", "crime", "r", "第一支部 is a branch"),
    ],
)
def test_a_violation_keeps_the_rules(
    db: None, tmp_path: Path, code: str, cause: str, reason: str, message: str
) -> None:
    grading_round = decided(tmp_path, TOTALS)
    with pytest.raises(RuleError) as refused:
        records.violation_record(org=org(grading_round, code), cause=cause, reason=reason,
                                 actor=CARL)  # fmt: skip
    assert _message(refused).startswith(message)
    assert not AuditEntry.objects.filter(action="grading.violation.recorded").exists()


def test_a_violation_waits_for_the_look_back_once_on_notice(db: None, tmp_path: Path) -> None:
    grading_round = decided(tmp_path, TOTALS)
    noticed(grading_round)
    with pytest.raises(RuleError) as refused:
        records.violation_record(org=org(grading_round, "V1"), cause="crime", reason="r",
                                 actor=CARL)  # fmt: skip
    assert "look-back" in _message(refused)


# ------------------------------------------------------------------------ benefits of 好


def test_benefits_go_to_a_good_organization_and_into_the_tables(db: None, tmp_path: Path) -> None:
    grading_round = decided(tmp_path, TOTALS)
    s1 = org(grading_round, "S1")  # 91: 好
    row = records.benefit_record(org=s1, points=Fraction(3, 2), secretary=True,
                                 commendation=True, note="党委会研究", actor=CARL)  # fmt: skip
    assert (str(row.points), row.secretary, row.commendation) == ("1.50", True, True)
    tables = grading_reports(grading_round)
    report = BenefitReport(tables)
    assert report.title == "评为“好”的基层党组织激励情况表"
    lines = list(report.rows())
    assert [line[2] for line in lines] == ["第一党总支", "第一支部", "社区党委"]
    assert lines[2][-2:] == [
        1.5,
        "书记考录乡镇事业编工作人员时优先推荐；推荐参加创先争优活动专项表彰",
    ]
    with pytest.raises(RuleError) as not_good:
        records.benefit_record(org=org(grading_round, "V1"), points=Fraction(1),
                               secretary=False, commendation=False, actor=CARL)  # fmt: skip
    assert _message(not_good) == (
        "二村党支部 is graded 较好: only an organization graded 好 has the benefits of 好"
    )
    with pytest.raises(RuleError) as decimals:
        records.benefit_record(org=s1, points=Fraction(1, 3), secretary=False,
                               commendation=False, actor=CARL)  # fmt: skip
    assert _message(decimals) == "the bonus points: use at most two decimals"
    assert Benefit.objects.count() == 1


def test_the_benefits_table_is_printed_only_once_a_benefit_is_recorded(
    db: None, tmp_path: Path
) -> None:
    from pingyi.exports.grading_reports import report_set

    grading_round = decided(tmp_path, TOTALS)
    assert "好等次激励情况" not in [r.sheet for r in report_set(grading_reports(grading_round))]
    records.benefit_record(org=org(grading_round, "G1"), points=None, secretary=True,
                           commendation=False, actor=CARL)  # fmt: skip
    assert report_set(grading_reports(grading_round))[-1].sheet == "好等次激励情况"


# ------------------------------------------------------------------------ references


def test_references_are_kept_with_text_or_file_for_the_committee_and_department(
    db: None, tmp_path: Path
) -> None:
    grading_round = advance_to(make_round(tmp_path), rules.ASSESSMENT)
    erin = _user(grading_round, "erin", "assessor", "V1")
    v1 = org(grading_round, "V1")
    records.reference_add(org=v1, kind="annual", text="2025年度考核为优秀", actor=Actor.of(erin))
    scan = evidence.Upload(name="信访意见.png", content=b"\x89PNG\r\n\x1a\n0000")
    records.reference_add(org=v1, kind="petition", text="", upload=scan, actor=CARL)
    rows = list(Reference.objects.filter(org=v1).order_by("id"))
    assert [(r.kind, r.text, r.original_name) for r in rows] == [
        ("annual", "2025年度考核为优秀", ""),
        ("petition", "", "信访意见.png"),
    ]
    with pytest.raises(RuleError) as empty:
        records.reference_add(org=v1, kind="family_planning", text=" ", actor=CARL)
    assert _message(empty) == "a reference needs its text or a file"
    olga = _user(grading_round, "olga", "org", "V1")
    with pytest.raises(AccessDenied):
        records.reference_add(org=v1, kind="annual", text="自己写", actor=Actor.of(olga))
    assert AuditEntry.objects.filter(action="grading.reference.added").count() == 2

    carol = _user(grading_round, "carol", "committee", "甲镇党委")
    page = (
        client_for(carol)
        .get(f"/staff/grading/{grading_round.code}/o/V1/", headers=ZH)
        .content.decode()
    )
    assert "年度考核情况" in page and "信访部门意见" in page and "信访意见.png" in page
    assert (
        "2025年度考核为优秀"
        not in client_for(olga)
        .get(f"/staff/grading/{grading_round.code}/o/V1/", headers=ZH)
        .content.decode()
    )
    download = client_for(carol).get(
        f"/staff/grading/{grading_round.code}/o/V1/reference/{rows[1].pk}/file"
    )
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert (
        client_for(olga)
        .get(f"/staff/grading/{grading_round.code}/o/V1/reference/{rows[1].pk}/file")
        .status_code
        == 404
    )


# ------------------------------------------------------------------------ 公示牌


def test_the_board_lists_achievements_and_rectification_per_committee(
    db: None, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    grading_round = decided(tmp_path, TOTALS)
    v2 = org(grading_round, "V2")
    decisions.follow_up_set(org=v2, problems="阵地建设滞后", measures="新建党群服务中心",
                            sponsor_leader="王副县长", liaison="李干事", actor=op("c"))  # fmt: skip
    orgs = board_orgs(grading_round, {_committee(grading_round).pk})
    assert [o.code for o in orgs] == ["G1", "B1", "V1", "V2", "N1", "X1"]
    mine = next(o for o in orgs if o.code == "V2")
    assert (mine.grade, mine.sponsor_leader, mine.items[0].problem) == (
        "一般", "王副县长", "阵地建设滞后",
    )  # fmt: skip
    path = tmp_path / "board.pdf"
    pages = board_write(path, grading_round, _committee(grading_round))
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert pages >= 1
    assert "基层党组织分类定级整改提高公示牌" in text
    assert "阵地建设滞后" in text and "新建党群服务中心" in text and "社区党委" not in text


def test_a_committee_downloads_its_own_board_and_files_its_summary_on_the_page(
    db: None, tmp_path: Path
) -> None:
    grading_round = decided(tmp_path, TOTALS, summaries=False)
    carol = client_for(_user(grading_round, "carol", "committee", "甲镇党委"))
    k = _committee(grading_round).pk
    base = f"/staff/grading/{grading_round.code}/k/{k}/"
    page = carol.get(base, headers=ZH).content.decode()
    assert 'id="no-summary"' in page and 'id="summary-form"' in page
    with (tmp_path / "总结.pdf").open("wb") as handle:
        handle.write(PDF_BYTES)
    with (tmp_path / "总结.pdf").open("rb") as handle:
        carol.post(base + "summary", {"text": "工作总结正文", "file": handle})
    page = carol.get(base, headers=ZH).content.decode()
    assert "工作总结正文" in page and 'id="summary-file"' in page
    got = carol.get(base + "summary/file")
    assert got.status_code == 200 and got.content == PDF_BYTES
    board = carol.get(base + "board.pdf")
    assert board.status_code == 200 and board.content.startswith(b"%PDF")
    assert carol.get(f"/staff/grading/{grading_round.code}/board.pdf").status_code == 403


def test_the_department_reads_the_summary_beside_the_filing(db: None, tmp_path: Path) -> None:
    from pingyi.accounts.models import Membership, Role
    from tests.grading.conftest import office

    grading_round = decided(tmp_path, TOTALS)
    committee = _settle(grading_round)
    noticed(grading_round)
    decisions.filing_submit(committee=committee, actor=op("carol"))
    alice = User.objects.create_user("alice2")
    Membership.objects.create(user=alice, organization=office(), role=Role.STAFF)
    page = (
        client_for(alice)
        .get(f"/staff/grading/{grading_round.code}/review", headers=ZH)
        .content.decode()
    )
    assert f'id="summary-{committee.pk}"' in page
    assert "甲镇党委分类定级工作总结" in page
    assert committee.filing.status == FilingStatus.FILED


# ------------------------------------------------------------------------ API and CLI


def test_the_api_records_a_summary_a_violation_a_benefit_and_a_reference(
    db: None, tmp_path: Path
) -> None:
    grading_round = decided(tmp_path, TOTALS, summaries=False)
    carol: Client = client_for(_user(grading_round, "carol", "committee", "甲镇党委"))
    k = _committee(grading_round).pk
    api = f"/api/grading/{grading_round.code}/"

    def put(path: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
        response = carol.put(api + path, json.dumps(body), content_type="application/json")
        return response.status_code, response.json()

    assert put(f"committees/{k}/summary", {"text": "总结"})[0] == 200
    status, body = put("orgs/V2/violation", {"cause": "dissatisfied", "reason": "测评不满意"})
    assert (status, body["cause"]) == (200, "dissatisfied")
    status, body = put("orgs/G1/benefit", {"points": "2", "secretary": True})
    assert (status, body["points"], body["secretary"]) == (200, "2", True)
    status, body = put("orgs/V1/benefit", {"points": "2"})
    assert status == 409 and "only an organization graded 好" in str(body["detail"])
    added = carol.post(api + "orgs/V1/references",
                       json.dumps({"kind": "public_order", "text": "无治安案件"}),
                       content_type="application/json")  # fmt: skip
    assert added.status_code == 201
    listed = carol.get(api + "orgs/V1/references").json()
    assert [(r["kind"], r["text"]) for r in listed] == [("public_order", "无治安案件")]
    assert [b["org"] for b in carol.get(api + "benefits").json()] == ["G1"]
    assert grading_state(grading_round).org("V2").grade == "较差"


def run(*args: str | Path) -> int:
    try:
        return main([str(a) for a in args])
    except SystemExit as exit_:
        return int(exit_.code or 0)


def test_the_cli_writes_the_board_and_records_the_rest(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")
    grading_round = decided(tmp_path, TOTALS, summaries=False)
    code = grading_round.code
    text = tmp_path / "总结.txt"
    text.write_text("镇党委分类定级工作总结", encoding="utf-8")
    assert run("grading", "summary", "--round", code, "--committee", "甲镇党委",
               "--text-file", text) == 0  # fmt: skip
    assert WorkSummary.objects.get().text == "镇党委分类定级工作总结"
    assert run("grading", "violation", "--round", code, "--org", "V2", "--cause",
               "responsibility", "整治任务未落实") == 0  # fmt: skip
    assert run("grading", "benefit", "--round", code, "--org", "S1", "--points", "1",
               "--commendation") == 0  # fmt: skip
    assert run("grading", "reference", "--round", code, "--org", "V1", "--kind",
               "annual", "--text", "年度考核合格") == 0  # fmt: skip
    out = tmp_path / "board.pdf"
    assert run("grading", "board", "--round", code, "--out", out) == 0
    assert out.read_bytes().startswith(b"%PDF")
    capsys.readouterr()
    assert run("grading", "benefit", "--round", code, "--org", "V1", "--secretary") != 0
    assert "only an organization graded 好" in capsys.readouterr().err
    assert org(grading_round, "V2").violation_cause == "responsibility"
    assert Benefit.objects.get().org.code == "S1"
    assert Reference.objects.get().text == "年度考核合格"
