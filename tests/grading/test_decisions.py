"""The committee's decision, quotas, explanations, filing and the department's review."""

from __future__ import annotations

from pathlib import Path

import pytest

from pingyi.audit.models import AuditEntry
from pingyi.grading import decisions, services
from pingyi.grading.models import (
    Committee,
    FilingStatus,
    GradeChange,
    GradingRound,
    QuotaKind,
    Review,
)
from pingyi.grading.selectors import grading_report_rows, grading_state
from pingyi.rules import grading as rules
from pingyi.rules.errors import RuleError
from tests.grading.conftest import DEPT, advance_to, assess, decided, make_round, noticed, op, org

pytestmark = pytest.mark.django_db

TOTALS: dict[str, int | str] = {
    "G1": 92,
    "B1": 70,
    "V1": 85,
    "V2": 65,
    "N1": 95,
    "X1": 99,
    "S1": 91,
    "O1": "79.5",
}
COMMITTEE = "甲镇党委"
JUSTIFY = "两个党组织均为全市先进，班子会议研究保留"


@pytest.fixture
def grading_round(db: None, tmp_path: Path) -> GradingRound:
    return decided(tmp_path, TOTALS)


def _committee(grading_round: GradingRound, name: str = COMMITTEE) -> Committee:
    return Committee.objects.get(round=grading_round, name=name)


def _explain_all(grading_round: GradingRound, name: str = COMMITTEE) -> None:
    state = grading_state(grading_round).committee(_committee(grading_round, name).pk)
    for s in state.orgs:
        if s.needs_explanation and not s.explained:
            decisions.explanation_write(org=s.org, text=f"{s.org.name}情况说明", actor=op("carol"))


def test_grades_come_from_the_totals_and_the_overrides_in_order(
    grading_round: GradingRound,
) -> None:
    state = grading_state(grading_round)
    got = {
        s.org.code: (s.total, s.graded.computed, s.grade, s.graded.overrides) for s in state.orgs
    }  # type: ignore[union-attr]
    assert got == {
        "G1": (92, "好", "好", []),
        "B1": (70, "一般", "好", ["inherited"]),
        "V1": (85, "较好", "较好", []),
        "V2": (65, "一般", "一般", []),
        "N1": (95, "好", "较好", ["new"]),
        "X1": (99, "好", "较差", ["violation"]),
        "S1": (91, "好", "好", []),
        "O1": (rules.Fraction("79.5"), "一般", "一般", []),
    }
    assert [s.org.code for s in state.orgs if s.needs_explanation] == [
        "G1",
        "B1",
        "X1",
        "S1",
        "O1",
    ]


def test_the_quota_check_names_each_blocker_of_the_filing(grading_round: GradingRound) -> None:
    state = grading_state(grading_round)
    first = state.committee(_committee(grading_round).pk)
    assert first.count is not None
    assert (first.count.counts, first.count.excellent_over_quota, first.count.poor_far) == (
        {"好": 2, "较好": 2, "一般": 1, "较差": 1},
        True,
        False,
    )
    assert [b.message() for b in first.blockers(state.scheme)] == [
        "好 is above its quota (2 of 6, at most 1): record a justification before filing",
        "explanations are missing for: G1, B1, X1",
    ]
    with pytest.raises(RuleError) as refused:
        decisions.filing_submit(committee=_committee(grading_round), actor=op("carol"))
    assert refused.value.message() == (
        "the committee cannot file yet: 好 is above its quota (2 of 6, at most 1): record a "
        "justification before filing; explanations are missing for: G1, B1, X1"
    )


def test_a_justified_excess_and_the_explanations_let_the_committee_file(
    grading_round: GradingRound,
) -> None:
    committee = _committee(grading_round)
    decisions.quota_justify(
        committee=committee, kind=QuotaKind.EXCELLENT, text=JUSTIFY, actor=op("carol")
    )
    _explain_all(grading_round)
    with pytest.raises(RuleError) as refused:
        decisions.filing_submit(committee=committee, actor=op("carol"))
    assert refused.value.message() == (
        "the grades go on public notice before filing: the department publishes them, and the "
        "committee files once the notice is final"
    )
    noticed(grading_round)
    filing = decisions.filing_submit(committee=committee, actor=op("carol"))
    assert (filing.status, filing.times) == (FilingStatus.FILED, 1)
    entry = AuditEntry.objects.get(action="grading.filing.submitted")
    assert entry.data["counts"] == {"好": 2, "较好": 2, "一般": 1, "较差": 1}
    with pytest.raises(RuleError) as refused:
        decisions.explanation_write(org=org(grading_round, "V1"), text="x", actor=op("c"))
    assert refused.value.message() == (
        "the committee 甲镇党委 has filed its grades (Filed, under review): nothing changes "
        "unless the department returns them"
    )


def test_an_excess_that_is_not_there_cannot_be_justified(grading_round: GradingRound) -> None:
    with pytest.raises(RuleError) as refused:
        decisions.quota_justify(
            committee=_committee(grading_round), kind=QuotaKind.POOR, text="x", actor=op("carol")
        )
    assert refused.value.message() == "the committee has no such excess to justify now"


def test_a_change_of_grade_needs_a_reason_and_branches_follow_it(
    grading_round: GradingRound,
) -> None:
    general = org(grading_round, "G1")
    with pytest.raises(RuleError) as refused:
        decisions.grade_change(org=general, grade="较好", reason=" ", actor=op("carol"))
    assert refused.value.message() == "a change of grade needs its reason"
    decisions.grade_change(
        org=general, grade="较好", reason="群众评价一般，降为较好", actor=op("carol")
    )
    state = grading_state(grading_round)
    assert [(state.org(c).grade, state.org(c).graded.changed) for c in ("G1", "B1")] == [  # type: ignore[union-attr]
        ("较好", True),
        ("较好", False),
    ]
    first = state.committee(_committee(grading_round).pk)
    assert first.count is not None and not first.count.excellent_over_quota
    assert grading_report_rows(grading_round)[0].change_reason == "群众评价一般，降为较好"
    decisions.grade_change(org=general, grade="好", reason="", actor=op("carol"))  # back: withdrawn
    assert not GradeChange.objects.exists()
    actions = AuditEntry.objects.filter(action__startswith="grading.grade.").order_by("seq")
    assert [a.action for a in actions] == ["grading.grade.changed", "grading.grade.restored"]


@pytest.mark.parametrize(
    "code, grade, message",
    [
        (
            "B1",
            "较好",
            "第一支部 is a branch: it takes the grade of its general branch G1; change that one",
        ),
        (
            "X1",
            "一般",
            "四村党支部 has a violation in its leadership: it is 较差 whatever the "
            "committee decides",
        ),
        ("N1", "好", "新建企业党支部 is newly established: it can be at most 较好"),
        ("V1", "优", "the grade must be one of: 好, 较好, 一般, 较差"),
    ],
)
def test_the_committee_cannot_change_what_the_rules_fix(
    grading_round: GradingRound, code: str, grade: str, message: str
) -> None:
    with pytest.raises(RuleError) as refused:
        decisions.grade_change(
            org=org(grading_round, code), grade=grade, reason="研究决定", actor=op("c")
        )
    assert refused.value.message() == message
    assert not GradeChange.objects.exists()


def test_an_explanation_explains_one_grade(grading_round: GradingRound) -> None:
    organs = org(grading_round, "O1")
    decisions.explanation_write(org=organs, text="考核排名靠后", actor=op("dan"))
    assert grading_state(grading_round).org("O1").explained
    decisions.grade_change(org=organs, grade="较差", reason="群众测评较差", actor=op("dan"))
    assert not grading_state(grading_round).org("O1").explained  # written for 一般
    with pytest.raises(RuleError) as refused:
        decisions.explanation_write(org=org(grading_round, "V1"), text="x", actor=op("carol"))
    assert refused.value.message() == "二村党支部 graded 较好 needs no explanation"


def test_an_organization_that_cannot_be_graded_blocks_its_committee(
    db: None, tmp_path: Path
) -> None:
    grading_round = advance_to(make_round(tmp_path), rules.ASSESSMENT)
    for code in ("G1", "V1", "V2", "N1", "X1"):
        assess(grading_round, code, 85)
    advance_to(grading_round, rules.DECISION)
    state = grading_state(grading_round)
    assert [p.message() for p in state.org("B1").pending] == [
        "not assessed yet",
        "no mass survey and no entered satisfaction rate",
    ]
    with pytest.raises(RuleError) as refused:
        decisions.filing_submit(committee=_committee(grading_round), actor=op("carol"))
    assert refused.value.message() == (
        "the committee cannot file yet: these organizations cannot be graded yet: B1; "
        "explanations are missing for: X1; the work summary (工作总结) is missing: the "
        "committee files it with its tables"
    )


def test_poor_far_from_ten_percent_needs_its_justification(db: None, tmp_path: Path) -> None:
    orgs = "code,name,sector,committee\n" + "".join(
        f"R{n},{n}村党支部,国有企业,丙党委\n" for n in range(10)
    )
    totals: dict[str, int | str] = {f"R{n}": 50 if n < 3 else 85 for n in range(10)}
    grading_round = decided(tmp_path, totals, orgs)
    committee = _committee(grading_round, "丙党委")
    state = grading_state(grading_round)
    assert [b.message() for b in state.committee(committee.pk).blockers(state.scheme)] == [
        "较差 is far from about 10% (3 of 10): record a justification before filing"
    ]
    decisions.quota_justify(committee=committee, kind="poor", text="三个村班子瘫痪", actor=op("c"))
    noticed(grading_round)
    assert decisions.filing_submit(committee=committee, actor=op("c")).status == FilingStatus.FILED


def _filed(grading_round: GradingRound, name: str) -> Committee:
    committee = _committee(grading_round, name)
    decisions.quota_justify(committee=committee, kind="excellent", text=JUSTIFY, actor=op("c"))
    _explain_all(grading_round, name)
    noticed(grading_round)
    decisions.filing_submit(committee=committee, actor=op("c"))
    return committee


def test_the_department_returns_one_organization_and_approves_the_refiling(
    grading_round: GradingRound,
) -> None:
    committee = _filed(grading_round, "乙街道党工委")
    organs, community = org(grading_round, "O1"), org(grading_round, "S1")
    with pytest.raises(RuleError) as refused:
        decisions.review_record(org=organs, verdict="returned", comment=" ", actor=op(DEPT))
    assert refused.value.message() == "returning an organization needs a comment saying what to fix"
    decisions.review_record(org=community, verdict="approved", comment="", actor=op(DEPT))
    decisions.review_record(
        org=organs, verdict="returned", comment="考核分79.5，请核实扣分依据", actor=op(DEPT)
    )
    committee.filing.refresh_from_db()
    assert committee.filing.status == FilingStatus.RETURNED
    # the grades are final since the notice: the committee answers with a better explanation
    decisions.explanation_write(org=organs, text="扣分依据见考核记录第3页", actor=op("dan"))
    decisions.filing_submit(committee=committee, actor=op("dan"))
    committee.filing.refresh_from_db()
    assert (committee.filing.status, committee.filing.times) == (FilingStatus.FILED, 2)
    assert list(Review.objects.values_list("org__code", "verdict")) == [("S1", "approved")]
    decisions.review_record(org=organs, verdict="approved", comment="", actor=op(DEPT))
    committee.filing.refresh_from_db()
    assert committee.filing.status == FilingStatus.APPROVED
    with pytest.raises(RuleError) as refused:
        decisions.review_record(org=organs, verdict="returned", comment="再看", actor=op(DEPT))
    assert refused.value.message() == "街道机关党支部 is not filed for review"
    reviews = AuditEntry.objects.filter(action__startswith="grading.review.").order_by("seq")
    assert [e.action for e in reviews] == [
        "grading.review.approved",
        "grading.review.returned",
        "grading.review.approved",
    ]


def test_the_round_closes_once_every_filing_is_approved(grading_round: GradingRound) -> None:
    for name in (COMMITTEE, "乙街道党工委"):
        committee = _filed(grading_round, name)
        for member in committee.orgs.all():
            decisions.review_record(org=member, verdict="approved", comment="", actor=op(DEPT))
    services.round_advance(grading_round=grading_round, actor=op(DEPT))
    assert GradingRound.objects.get().status == rules.CLOSED


def test_the_report_rows_carry_every_source(grading_round: GradingRound) -> None:
    poor = org(grading_round, "X1")
    decisions.follow_up_set(
        org=poor,
        problems="书记涉案",
        measures="调整班子",
        sponsor_leader="王副县长",
        liaison="李干事",
        actor=op("carol"),
    )
    rows = {r.code: r for r in grading_report_rows(grading_round)}
    x1 = rows["X1"]
    assert (x1.total, x1.computed_grade, x1.final_grade, x1.overrides) == (
        99,
        "好",
        "较差",
        ("violation",),
    )
    assert (x1.survey_rate, x1.survey_status, x1.assessment_score) == (1, "entered", 84)
    assert (x1.problems, x1.measures, x1.sponsor_leader, x1.liaison) == (
        "书记涉案",
        "调整班子",
        "王副县长",
        "李干事",
    )
    assert (rows["B1"].parent_code, rows["B1"].committee, rows["B1"].self_score) == (
        "G1",
        COMMITTEE,
        None,
    )


def test_the_state_of_a_round_costs_the_same_queries_for_any_number_of_organizations(
    grading_round: GradingRound, tmp_path: Path
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    orgs = "code,name,sector,committee\n" + "".join(
        f"R{n},{n}村党支部,农村,丙党委{n % 4}\n" for n in range(40)
    )
    larger = decided(tmp_path, {f"R{n}": 60 + n for n in range(40)}, orgs, year=2027)
    counts = []
    for each in (grading_round, larger):
        with CaptureQueriesContext(connection) as queries:
            grading_state(each)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12


def test_a_justification_holds_only_for_the_counts_it_was_written_for(
    grading_round: GradingRound,
) -> None:
    committee = _committee(grading_round)
    decisions.quota_justify(committee=committee, kind="excellent", text=JUSTIFY, actor=op("c"))
    assert grading_state(grading_round).committee(committee.pk).unjustified() == []
    decisions.grade_change(
        org=org(grading_round, "V2"), grade="较好", reason="补充材料", actor=op("c")
    )
    state = grading_state(grading_round).committee(committee.pk)
    assert state.unjustified() == ["excellent"]  # the grades moved: justify them again
    decisions.quota_justify(committee=committee, kind="excellent", text=JUSTIFY, actor=op("c"))
    assert grading_state(grading_round).committee(committee.pk).unjustified() == []
