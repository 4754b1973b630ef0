"""A P2 grading on public notice: publication at the decision step, objections naming an
organization, a review that changes a grade through the grading app, finalization and the
plans for 一般 and 较差 organizations — and the pages, exports and what they cost."""

from __future__ import annotations

import datetime as dt
import io
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from pingyi.accounts.models import Role
from pingyi.audit.models import AuditEntry
from pingyi.grading.decisions import (
    explanation_write,
    filing_submit,
    follow_up_set,
    grade_change,
)
from pingyi.grading.models import Filing, FilingStatus, GradeChange, PartyOrg
from pingyi.grading.selectors import grading_state
from pingyi.notices.grading_notice import notice_publish_grading
from pingyi.notices.models import Notice, NoticeKind, NoticeStatus
from pingyi.notices.services import (
    notice_finalize,
    notice_publish,
    objection_answer,
    objection_file,
    review_apply,
)
from pingyi.rectification.models import Basis, Plan
from pingyi.rules import grading as grading_rules
from pingyi.rules.errors import RuleError
from tests.grading.conftest import advance_to, make_round, op
from tests.notices.conftest import (
    AS_STAFF,
    GRADING_TOTALS,
    T0,
    closed_campaign,
    decided_grading,
    large_grading,
    published_grading,
    staff_user,
)

pytestmark = pytest.mark.django_db
AFTER = T0 + dt.timedelta(days=5)


def _message(exc: pytest.ExceptionInfo[RuleError]) -> str:
    return exc.value.message(lambda s: s)


def _grades(notice: Notice) -> dict[str, str]:
    return dict(notice.entries.values_list("code", "grade"))


def test_publishing_copies_every_grade_by_committee_with_sector(tmp_path: Path) -> None:
    notice = published_grading(tmp_path)
    assert notice.kind == NoticeKind.GRADING and notice.campaign is None
    assert notice.grading_round is not None and notice.code == notice.grading_round.code
    assert notice.ends_at == T0 + dt.timedelta(days=5)
    assert _grades(notice) == {
        "G1": "好", "B1": "好", "V1": "较好", "V2": "一般", "N1": "较好", "X1": "较差",
        "S1": "较差", "O1": "一般",
    }  # fmt: skip
    x1 = notice.entries.get(code="X1")
    assert (x1.group, x1.sector, x1.total, x1.overrides) == ("甲镇党委", "农村", 90, ["violation"])
    assert notice.entries.get(code="B1").overrides == ["inherited"]
    entry = AuditEntry.objects.get(action="notices.notice.published")
    assert entry.data["counts"] == {"好": 2, "较好": 2, "一般": 2, "较差": 2}


def test_publishing_is_refused_outside_the_decision_step_twice_and_after_filing(
    tmp_path: Path,
) -> None:
    early = advance_to(make_round(tmp_path, year=2025), grading_rules.ASSESSMENT)
    with pytest.raises(RuleError) as refused:
        notice_publish_grading(grading_round=early, actor=AS_STAFF, now=T0)
    assert _message(refused).startswith("a grading is published at the committee decision step")
    notice = published_grading(tmp_path)
    assert notice.grading_round is not None
    with pytest.raises(RuleError) as again:
        notice_publish_grading(grading_round=notice.grading_round, actor=AS_STAFF, now=T0)
    assert _message(again) == f"the round's result is already published: notice {notice.code}"
    filed = decided_grading(tmp_path, year=2027)
    committee = filed.committees.get(name="乙街道党工委")
    Filing.objects.create(committee=committee, status=FilingStatus.FILED, filed_by="k", filed_at=T0)
    with pytest.raises(RuleError) as after_filing:
        notice_publish_grading(grading_round=filed, actor=AS_STAFF, now=T0)
    assert _message(after_filing) == (
        "committees have filed already (乙街道党工委): the notice comes before filing (seed 003)"
    )


def test_publishing_needs_every_grade(tmp_path: Path) -> None:
    totals = {k: v for k, v in GRADING_TOTALS.items() if k not in ("S1", "V2")}
    grading_round = decided_grading(tmp_path, totals)
    with pytest.raises(RuleError) as refused:
        notice_publish_grading(grading_round=grading_round, actor=AS_STAFF, now=T0)
    assert _message(refused) == (
        "every organization needs its grade before the notice; 2 cannot be graded yet: V2, S1"
    )
    assert not Notice.objects.exists()


def test_on_notice_the_committee_changes_no_grade_and_files_nothing(tmp_path: Path) -> None:
    notice = published_grading(tmp_path)
    v1 = PartyOrg.objects.get(round=notice.grading_round, code="V1")
    with pytest.raises(RuleError) as refused:
        grade_change(org=v1, grade="好", reason="r", actor=op("k"))
    assert _message(refused).startswith("the grades are on public notice: a grade changes only")
    s1 = PartyOrg.objects.get(round=notice.grading_round, code="S1")
    for code in ("S1", "O1"):  # 乙街道党工委 has nothing else to settle
        explanation_write(
            org=PartyOrg.objects.get(round=notice.grading_round, code=code),
            text="说明",
            actor=op("k"),
        )
    with pytest.raises(RuleError) as filing:
        filing_submit(committee=s1.committee, actor=op("k"))
    assert _message(filing).startswith("the grades are on public notice until ")


def test_a_review_changes_a_grade_through_the_grading_and_its_branches_follow(
    tmp_path: Path,
) -> None:
    notice = published_grading(tmp_path)
    objection = objection_file(
        notice=notice, entry_code="G1", text="第一党总支台账缺失", now=T0 + dt.timedelta(hours=1)
    ).objection
    assert objection.entry.code == "G1"
    review = review_apply(
        notice=notice, entry_code="G1", grade="较好", reason="台账缺失属实", approved_by="党委",
        actor=AS_STAFF, objection=objection, now=T0 + dt.timedelta(days=1),
    )  # fmt: skip
    assert review.changes == [
        {"code": "G1", "name": "第一党总支", "field": "grade", "before": "好", "after": "较好"},
        {"code": "B1", "name": "第一支部", "field": "grade", "before": "好", "after": "较好"},
    ]
    assert _grades(notice)["G1"] == _grades(notice)["B1"] == "较好"
    assert set(notice.entries.filter(reviewed=True).values_list("code", flat=True)) == {"G1", "B1"}
    assert notice.grading_round is not None
    state = grading_state(notice.grading_round)
    assert (state.org("G1").grade, state.org("B1").grade) == ("较好", "较好")
    assert GradeChange.objects.get(org__code="G1").reason == "台账缺失属实"
    audited = AuditEntry.objects.get(action="notices.review.applied")
    assert audited.data["changes"] == review.changes and audited.data["approved_by"] == "党委"
    assert AuditEntry.objects.filter(action="grading.grade.changed").count() == 1


@pytest.mark.parametrize(
    ("code", "changes", "message"),
    [
        ("B1", {"grade": "一般"}, "第一支部 is a branch: it takes the grade of its general branch"),
        ("X1", {"grade": "好"}, "四村党支部 has a violation in its leadership"),
        ("N1", {"grade": "好"}, "新建企业党支部 is newly established: it can be at most 较好"),
        ("V1", {"grade": "较好"}, "the review changes nothing"),
        ("V1", {"rank": 1}, "a review of a grading changes an organization's grade"),
        ("V1", {"veto": True}, "a review of a grading changes an organization's grade"),
    ],
)
def test_a_review_of_a_grading_keeps_the_grading_rules(
    tmp_path: Path, code: str, changes: dict[str, Any], message: str
) -> None:
    notice = published_grading(tmp_path)
    with pytest.raises(RuleError) as refused:
        review_apply(
            notice=notice, entry_code=code, reason="r", approved_by="a", actor=AS_STAFF,
            now=T0 + dt.timedelta(hours=1), **changes,
        )  # fmt: skip
    assert _message(refused).startswith(message)
    assert not notice.reviews.exists() and not notice.entries.filter(reviewed=True).exists()


def test_a_grade_belongs_to_a_grading(tmp_path: Path) -> None:
    notice = notice_publish(campaign=closed_campaign(tmp_path), actor=AS_STAFF, now=T0)
    with pytest.raises(RuleError) as refused:
        review_apply(notice=notice, entry_code="L1", grade="好", reason="r", approved_by="a",
                     actor=AS_STAFF, now=T0)  # fmt: skip
    assert _message(refused) == "a grade belongs to a grading's organizations"


def test_final_after_the_period_with_every_objection_answered_makes_the_plans(
    tmp_path: Path,
) -> None:
    grading_round = decided_grading(tmp_path)
    v2 = PartyOrg.objects.get(round=grading_round, code="V2")
    follow_up_set(org=v2, problems="p", measures="m", sponsor_leader="李副县长", liaison="张干事",
                  actor=op("k"))  # fmt: skip
    o1 = PartyOrg.objects.get(round=grading_round, code="O1")
    with pytest.raises(RuleError) as no_reason:
        follow_up_set(org=o1, problems="p", measures="m", sponsor_leader="", liaison="",
                      months=2, actor=op("k"))  # fmt: skip
    assert _message(no_reason) == (
        "a rectification period other than the default 3 months needs its reason"
    )
    follow_up_set(org=o1, problems="p", measures="m", sponsor_leader="", liaison="", months=2,
                  months_reason="问题单一，两个月可整改到位", actor=op("k"))  # fmt: skip
    notice = notice_publish_grading(grading_round=grading_round, actor=AS_STAFF, now=T0)
    objection = objection_file(notice=notice, entry_code="S1", text="有误", now=T0).objection
    with pytest.raises(RuleError) as early:
        notice_finalize(notice=notice, actor=AS_STAFF, now=AFTER - dt.timedelta(seconds=1))
    assert _message(early).startswith("the notice period runs until")
    with pytest.raises(RuleError) as unanswered:
        notice_finalize(notice=notice, actor=AS_STAFF, now=AFTER)
    assert _message(unanswered).startswith("1 objection(s) are not answered yet")
    objection_answer(objection=objection, answer="经核实无误", actor=AS_STAFF, now=T0)
    notice_finalize(notice=notice, actor=AS_STAFF, now=AFTER)
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.FINAL
    plans = {p.unit_code: p for p in Plan.objects.filter(notice=notice)}
    assert {c: p.basis for c, p in plans.items()} == {
        "V2": Basis.FAIR, "X1": Basis.POOR, "S1": Basis.POOR, "O1": Basis.FAIR,
    }  # fmt: skip
    assert (plans["V2"].sponsor_leader, plans["V2"].liaison) == ("李副县长", "张干事")
    assert (plans["S1"].sponsor_leader, plans["S1"].liaison) == ("", "")
    # 一般: about three months (seed 003, before 七一); 较差: half a year; O1 as its committee set
    assert plans["V2"].series_id is None and plans["V2"].period_ends == dt.date(2026, 8, 9)
    assert plans["X1"].period_ends == dt.date(2026, 11, 9)
    assert plans["O1"].period_ends == dt.date(2026, 7, 9)
    with pytest.raises(RuleError) as after:
        grade_change(org=v2, grade="较好", reason="r", actor=op("k"))
    assert _message(after).startswith("the grades are final after their public notice")
    with pytest.raises(RuleError) as review:
        review_apply(notice=notice, entry_code="V2", grade="较好", reason="r", approved_by="a",
                     actor=AS_STAFF, now=AFTER)  # fmt: skip
    assert _message(review) == "a review can change the result only while it is on notice"


def test_filing_follows_a_final_notice(tmp_path: Path) -> None:
    notice = published_grading(tmp_path)
    notice_finalize(notice=notice, actor=AS_STAFF, now=AFTER)
    committee = PartyOrg.objects.get(round=notice.grading_round, code="S1").committee
    with pytest.raises(RuleError) as blocked:  # the filing's own blockers, not the notice
        filing_submit(committee=committee, actor=op("k"))
    assert "on public notice" not in _message(blocked)


# ------------------------------------------------------------------------------ pages


@pytest.mark.parametrize("count", [20, 200])
def test_the_public_grading_notice_costs_a_fixed_number_of_queries(
    count: int, tmp_path: Path, django_assert_num_queries: Any
) -> None:
    # Assessed in bulk (large_grading): through the services, 200 organizations took a
    # minute, each score re-reading the round's state; the page reads the same rows.
    notice = large_grading(tmp_path, count, 4, now=dt.datetime.now(dt.UTC))
    objection = objection_file(notice=notice, entry_code="P1", text="有误").objection
    objection_answer(objection=objection, answer="无误", actor=AS_STAFF)
    review_apply(notice=notice, entry_code="P2", grade="较差", reason="r", approved_by="a",
                 actor=AS_STAFF)  # fmt: skip
    # notice (+ office, campaign, round), entries, reviews, objections, audit head (1)
    with django_assert_num_queries(5):
        response = Client().get(f"/notice/{notice.code}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count('<tr class="reviewed">') == 1
    assert text.count("<tr") == count + 4  # a header row per committee


def test_the_public_page_lists_committees_counts_reviews_and_takes_objections(
    tmp_path: Path,
) -> None:
    notice = published_grading(tmp_path, now=dt.datetime.now(dt.UTC))
    review_apply(notice=notice, entry_code="V1", grade="一般", reason="测评走过场",
                 approved_by="镇党委", actor=AS_STAFF)  # fmt: skip
    client = Client()
    text = client.get(f"/notice/{notice.code}/").content.decode()
    assert '<div class="grid" id="grade-counts">' in text
    assert '<h3>甲镇党委 <span class="small">好 2 · 较好 1 · 一般 2 · 较差 1</span></h3>' in text
    assert (
        '<h3>乙街道党工委 <span class="small">好 0 · 较好 0 · 一般 1 · 较差 1</span></h3>' in text
    )
    assert "二村党支部 grade: 较好 → 一般. Reason: 测评走过场. Approved by: 镇党委." in text
    assert '<label for="id_unit">Party organization:</label>' in text
    assert '<option value="S1">社区党委（乙街道党工委）</option>' in text
    filed = client.post(f"/notice/{notice.code}/objection", {"unit": "S1", "text": "评分有误"})
    assert filed.status_code == 201
    assert notice.objections.get().entry.code == "S1"
    index = client.get("/notice/").content.decode()
    assert f'<a href="/notice/{notice.code}/">{notice.title}</a></td><td>Grading (P2)</td>' in index


def test_staff_publish_from_the_round_page_and_review_through_the_form(tmp_path: Path) -> None:
    grading_round = decided_grading(tmp_path)
    alice = staff_user("alice", grading_round.organization)
    viewer = staff_user("bob", grading_round.organization, Role.VIEWER)
    client = Client()
    client.force_login(alice)
    page = client.get(f"/staff/grading/{grading_round.code}/").content.decode()
    assert f'action="/staff/notices/publish-grading/{grading_round.code}"' in page
    home = client.get("/staff/notices/").content.decode()
    assert 'id="gradings-to-publish"' in home
    bob = Client()
    bob.force_login(viewer)
    assert bob.post(f"/staff/notices/publish-grading/{grading_round.code}", {}).status_code == 403
    response = client.post(f"/staff/notices/publish-grading/{grading_round.code}", {"days": "7"})
    notice = Notice.objects.get(grading_round=grading_round)
    assert response.status_code == 302 and response["Location"] == f"/staff/notices/{notice.code}/"
    assert notice.days == 7
    page = client.get(f"/staff/grading/{grading_round.code}/").content.decode()
    assert f'href="/notice/{notice.code}/" id="notice-link"' in page
    staff_page = client.get(f"/staff/notices/{notice.code}/").content.decode()
    assert '<select name="grade" id="id_grade">' in staff_page and 'name="veto"' not in staff_page
    posted = client.post(
        f"/staff/notices/{notice.code}/review",
        {"unit": "O1", "grade": "较差", "reason": "走访核实", "approved_by": "街道党工委"},
        follow=True,
    )
    assert "The review changed the result; the change is recorded." in posted.content.decode()
    assert _grades(notice)["O1"] == "较差"
    refused = client.post(
        f"/staff/notices/{notice.code}/review",
        {"unit": "B1", "grade": "一般", "reason": "r", "approved_by": "a"},
        follow=True,
    )
    assert "第一支部 is a branch" in refused.content.decode()
    retry = client.post(f"/staff/notices/publish-grading/{grading_round.code}", {}, follow=True)
    assert "the round&#x27;s result is already published" in retry.content.decode()
    again = client.get(f"/staff/notices/publish-grading/{grading_round.code}", follow=True)
    assert again.redirect_chain == [(f"/staff/notices/{notice.code}/", 302)]
    assert "This result is on public notice already." in again.content.decode()


def test_the_final_grading_notice_prints_and_exports(tmp_path: Path) -> None:
    notice = published_grading(tmp_path)
    review_apply(notice=notice, entry_code="V1", grade="一般", reason="r", approved_by="a",
                 actor=AS_STAFF, now=T0)  # fmt: skip
    notice_finalize(notice=notice, actor=AS_STAFF, now=AFTER)
    pdf = Client().get(f"/notice/{notice.code}/notice.pdf")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "共8个基层党组织" in text and "二村党支部等次由“较好”改为“一般”" in text
    client = Client()
    client.force_login(staff_user("alice", notice.organization))
    sheet = load_workbook(io.BytesIO(client.get(f"/staff/notices/{notice.code}/results.xlsx")
                                    .content)).active  # fmt: skip
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("基层党(工)委", "单位代码", "基层党组织", "领域", "总分", "等次", "复核")
    assert ("甲镇党委", "V1", "二村党支部", "农村", 85, "一般", "是") in rows
    assert len(rows) == 9


def test_the_cached_page_costs_two_queries_and_a_change_is_shown_at_once(
    tmp_path: Path, django_assert_num_queries: Any
) -> None:
    notice = published_grading(tmp_path, now=dt.datetime.now(dt.UTC))
    client = Client()
    assert client.get(f"/notice/{notice.code}/").status_code == 200  # renders and caches
    with django_assert_num_queries(2):  # the notice and the audit chain's head
        cached = client.get(f"/notice/{notice.code}/").content.decode()
    assert 'id="reviewed"' not in cached and '<option value="V1">' in cached
    review_apply(notice=notice, entry_code="V1", grade="一般", reason="r", approved_by="a",
                 actor=AS_STAFF)  # fmt: skip
    changed = client.get(f"/notice/{notice.code}/").content.decode()
    assert 'id="reviewed"' in changed and changed.count('<tr class="reviewed">') == 1
    objection = objection_file(notice=notice, entry_code="S1", text="有误").objection
    objection_answer(objection=objection, answer="已核实无误", actor=AS_STAFF)
    assert "已核实无误" in client.get(f"/notice/{notice.code}/").content.decode()
    refused = client.post(f"/notice/{notice.code}/objection", {"unit": "S1", "text": ""})
    assert refused.status_code == 400
    assert (
        '<option value="S1" selected>社区党委（乙街道党工委）</option>' in refused.content.decode()
    )


def test_the_api_publishes_a_grading_and_a_review_changes_a_grade(tmp_path: Path) -> None:
    grading_round = decided_grading(tmp_path)
    alice = Client()
    alice.force_login(staff_user("alice", grading_round.organization))
    url = f"/api/notices/publish-grading/{grading_round.code}"
    response = alice.post(url, '{"days": 3}', content_type="application/json")
    assert response.status_code == 201
    assert response.json() == {"code": grading_round.code, "status": NoticeStatus.ON_NOTICE}
    again = alice.post(url, "{}", content_type="application/json")
    assert again.status_code == 409
    review = alice.post(
        f"/api/notices/{grading_round.code}/reviews",
        json.dumps({"unit": "V2", "reason": "分数有误", "approved_by": "组织部", "grade": "较好"}),
        content_type="application/json",
    )
    assert review.status_code == 201, review.content
    assert [(c["code"], c["before"], c["after"]) for c in review.json()["changes"]] == [
        ("V2", "一般", "较好")
    ]
    assert grading_state(grading_round).org("V2").grade == "较好"


def test_the_cli_publishes_a_grading_round_by_its_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pingyi import cli

    grading_round = decided_grading(tmp_path)
    # Issue 11: the command is told which kind the code names; it no longer guesses.
    with pytest.raises(SystemExit) as refused:
        cli.main(["notice", "publish", "--campaign", grading_round.code])
    assert refused.value.code == 1
    assert not Notice.objects.exists()
    capsys.readouterr()
    assert cli.main(["notice", "publish", "--grading", grading_round.code, "--days", "3"]) == 0
    notice = Notice.objects.get(grading_round=grading_round)
    assert (notice.kind, notice.days) == (NoticeKind.GRADING, 3)
    assert capsys.readouterr().out.startswith(f"{grading_round.code} ")


def test_no_rate_entry_moves_a_grade_once_the_grades_are_on_notice(tmp_path: Path) -> None:
    from pingyi.grading.services import survey_rate_enter

    notice = published_grading(tmp_path)
    assert notice.grading_round is not None
    v2 = PartyOrg.objects.get(round=notice.grading_round, code="V2")
    with pytest.raises(RuleError) as refused:
        survey_rate_enter(org=v2, rate=Fraction(1), ballots=30, reason="补测", actor=op("k"))
    assert _message(refused) == (
        "the grades are on public notice: a grade changes only through a review (复核) "
        "of the notice"
    )


def test_in_chinese_the_grading_pages_call_party_organizations_by_their_name(
    tmp_path: Path,
) -> None:
    """Issue 12 (6): the grading notice, its objection and review forms said 主办单位 — the
    organizing office's word — for the party organizations, and the staff page offered to
    确定评议结果 as if it were a campaign; a new objection read 已收回 (withdrawn)."""
    notice = published_grading(tmp_path, now=dt.datetime.now(dt.UTC))
    client = Client(headers={"accept-language": "zh-hans"})
    public = client.get(f"/notice/{notice.code}/").content.decode()
    assert '<label for="id_unit">党组织：</label>' in public and "主办单位" not in public
    filed = client.post(f"/notice/{notice.code}/objection", {"unit": "S1", "text": "评分有误"})
    assert filed.status_code == 201
    staff = Client(headers={"accept-language": "zh-hans"})
    staff.force_login(staff_user("alice", notice.grading_round.organization))
    page = staff.get(f"/staff/notices/{notice.code}/").content.decode()
    assert "主办单位" not in page and "已收回" not in page
    assert "已受理" in page and "确定定级结果" in page
