"""Self-evaluation, assessment (deductions need reasons), talks and the mass survey."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path

import pytest

from pingyi.accounts.actors import Actor
from pingyi.audit.models import AuditEntry
from pingyi.ballots.services import ballots_import
from pingyi.campaigns.selectors import campaign_scheme
from pingyi.campaigns.services import campaign_close, campaign_open
from pingyi.exports.grading_reports import DetailReport, ReportOrg
from pingyi.grading import services
from pingyi.grading.models import Assessment, Committee, GradingRound, SelfEvaluation
from pingyi.grading.selectors import (
    SURVEY_COUNTED,
    SURVEY_PENDING,
    SURVEY_SUPPRESSED,
    grading_report_rows,
    grading_state,
)
from pingyi.inputs.p1_files import read_ballots
from pingyi.rules import grading as rules
from pingyi.rules.errors import InputError, RuleError
from pingyi.voting.selectors import collection_status
from tests.grading.conftest import DEPT, DEPT2, FULL, advance_to, op, org

pytestmark = pytest.mark.django_db

SEVEN = {k: Fraction(v) for k, v in FULL.items()} | {"mass_evaluation": Fraction(14)}


def _self(grading_round: GradingRound, code: str = "V1", **changes: object) -> SelfEvaluation:
    values: dict[str, object] = {
        "scores": SEVEN,
        "claimed_grade": "好",
        "achievements": "村集体经济收入增长",
        "problems": "流动党员管理薄弱",
    }
    values.update(changes)
    return services.self_evaluation_submit(
        org=org(grading_round, code),
        actor=op("v1-secretary"),
        **values,  # type: ignore[arg-type]
    )


def test_a_self_evaluation_is_stored_then_locked(setup_round: GradingRound) -> None:
    advance_to(setup_round, rules.SELF_EVALUATION)
    _self(setup_round)
    state = grading_state(setup_round).org("V1")
    assert state.self_total == 99
    with pytest.raises(RuleError) as refused:
        _self(setup_round, claimed_grade="较好")
    assert refused.value.message() == (
        "the self-evaluation of 二村党支部 was already submitted and is locked"
    )
    assert SelfEvaluation.objects.get().claimed_grade == "好"
    assert AuditEntry.objects.filter(action="grading.self_evaluation.submitted").count() == 1


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {"scores": SEVEN | {"leader": Fraction(21)}},
            "党组织带头人: 21 is not a score from 0 to 20",
        ),
        ({"scores": SEVEN | {"venue": Fraction(-1)}}, "活动阵地: -1 is not a score from 0 to 10"),
        (
            {"scores": {k: v for k, v in SEVEN.items() if k != "ideas"}},
            "工作思路: a score is required",
        ),
        ({"scores": SEVEN | {"ideas": Fraction(1, 3)}}, "工作思路: use at most two decimals"),
        ({"claimed_grade": "优秀"}, "the claimed grade must be one of: 好, 较好, 一般, 较差"),
        ({"problems": "  "}, "problems: a text is required"),
    ],
)
def test_a_bad_self_evaluation_is_refused_with_its_reason(
    setup_round: GradingRound, changes: dict[str, object], message: str
) -> None:
    advance_to(setup_round, rules.SELF_EVALUATION)
    with pytest.raises(RuleError) as refused:
        _self(setup_round, **changes)
    assert refused.value.message() == message
    assert not SelfEvaluation.objects.exists()


def test_no_self_evaluation_outside_its_step(setup_round: GradingRound) -> None:
    with pytest.raises(RuleError) as refused:
        _self(setup_round)
    assert refused.value.message() == "not allowed while the round is at the step: setup"


def test_every_deducted_point_needs_a_written_reason(setup_round: GradingRound) -> None:
    advance_to(setup_round, rules.ASSESSMENT)
    target = org(setup_round, "V1")
    scores = {k: Fraction(v) for k, v in FULL.items()} | {"rules": Fraction("12.5")}
    with pytest.raises(RuleError) as refused:
        services.assessment_submit(
            org=target, scores=scores, reasons={"rules": " "}, actor=op("erin")
        )
    assert refused.value.message() == "工作制度: 2.5 points deducted need a written reason"
    services.assessment_submit(
        org=target, scores=scores, reasons={"rules": "党务公开不及时"}, actor=op("erin")
    )
    state = grading_state(setup_round).org("V1")
    assert state.assessment_total == Fraction("82.5")
    assert state.total is None  # the survey is still missing
    assert [p.message() for p in state.pending] == [
        "no mass survey and no entered satisfaction rate"
    ]
    entry = AuditEntry.objects.get(action="grading.assessment.submitted")
    assert entry.data["deductions"] == ["rules"]


def test_full_marks_need_no_reason_and_the_assessment_is_locked(setup_round: GradingRound) -> None:
    advance_to(setup_round, rules.ASSESSMENT)
    target = org(setup_round, "V1")
    scores = {k: Fraction(v) for k, v in FULL.items()}
    services.assessment_submit(org=target, scores=scores, reasons={}, actor=op("erin"))
    with pytest.raises(RuleError) as refused:
        services.assessment_submit(org=target, scores=scores, reasons={}, actor=op("erin"))
    assert (
        refused.value.message()
        == "the assessment of 二村党支部 was already submitted and is locked"
    )


def test_talk_notes_are_recorded_during_the_assessment(setup_round: GradingRound) -> None:
    advance_to(setup_round, rules.ASSESSMENT)
    target = org(setup_round, "V1")
    services.talk_note_add(
        org=target, with_whom="老党员张某", notes="反映活动室常锁门", actor=op("erin")
    )
    with pytest.raises(RuleError) as refused:
        services.talk_note_add(org=target, with_whom="群众", notes="", actor=op("erin"))
    assert refused.value.message() == "talk: a text is required"
    assert [t.with_whom for t in target.talks.all()] == ["老党员张某"]


def _paper(grading_round: GradingRound, tmp_path: Path, name: str, text: str) -> None:
    survey = grading_round.surveys.get()
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    units = list(survey.campaign.units.values_list("code", flat=True))
    rows = read_ballots(path, units, campaign_scheme(survey.campaign), name)
    ballots_import(campaign=survey.campaign, rows=rows, actor=Actor.operator(DEPT))


def test_a_committee_survey_feeds_mass_evaluation_and_suppresses_small_counts(
    setup_round: GradingRound, tmp_path: Path
) -> None:
    advance_to(setup_round, rules.SELF_EVALUATION)
    committee = Committee.objects.get(round=setup_round, name="乙街道党工委")
    survey = services.survey_create(grading_round=setup_round, committee=committee, actor=op(DEPT))
    campaign = survey.campaign
    assert [(g.name, g.target_share) for g in campaign.groups.order_by("position")] == [
        ("党员", "1/2"),
        ("群众", "1/2"),
    ]
    assert list(campaign.units.values_list("code", flat=True)) == ["S1", "O1"]
    assert grading_state(setup_round).org("S1").survey.status == SURVEY_PENDING
    campaign_open(campaign=campaign, actor=Actor.operator(DEPT))
    # Five ballots cover both organizations; five more only the community (not O1).
    both = "ballot_no,group,S1,O1\n" + "".join(
        f"{n},{'党员' if n % 2 else '群众'},满意,基本满意\n" for n in range(1, 6)
    )
    marks = ["满意", "基本满意", "满意", "不满意", "不满意"]
    only = "ballot_no,group,S1\n" + "".join(
        f"{n},{'党员' if n % 2 else '群众'},{m}\n" for n, m in zip(range(6, 11), marks, strict=True)
    )
    _paper(setup_round, tmp_path, "both.csv", both)
    _paper(setup_round, tmp_path, "only.csv", only)
    groups = collection_status(campaign).groups
    assert [(g.name, g.received) for g in groups] == [("党员", 5), ("群众", 5)]
    campaign_close(campaign=campaign, actor=Actor.operator(DEPT))
    state = grading_state(setup_round)
    community, organs = state.org("S1"), state.org("O1")
    assert (community.survey.status, community.survey.rate) == (SURVEY_COUNTED, Fraction(4, 5))
    assert community.survey_points == 12  # 15 × 80 %
    assert (organs.survey.status, organs.survey.rate, organs.survey_points) == (
        SURVEY_SUPPRESSED,
        None,
        None,
    )
    assert [p.message() for p in organs.pending] == [
        "not assessed yet",
        "its mass survey has fewer than 8 valid ballots: the rate is suppressed until a rate "
        "is entered",
    ]


def test_an_entered_rate_resolves_a_suppressed_survey(setup_round: GradingRound) -> None:
    advance_to(setup_round, rules.ASSESSMENT)
    target = org(setup_round, "O1")
    with pytest.raises(RuleError) as refused:
        services.survey_rate_enter(
            org=target, rate=Fraction(11, 10), ballots=9, reason="x", actor=op(DEPT)
        )
    assert refused.value.message() == "a satisfaction rate is between 0% and 100%"
    services.assessment_submit(
        org=target, scores={k: Fraction(v) for k, v in FULL.items()}, reasons={}, actor=op("erin")
    )
    services.survey_rate_enter(
        org=target, rate=Fraction(9, 10), ballots=30, reason="重新测评", actor=op(DEPT)
    )
    assert grading_state(setup_round).org("O1").total is None  # awaiting approval
    services.survey_rate_decide(org=target, approve=True, actor=op(DEPT2))
    state = grading_state(setup_round).org("O1")
    assert (state.survey.status, state.survey_points, state.total) == (
        "entered",
        Fraction(27, 2),
        Fraction(197, 2),
    )


def _counted_community(grading_round: GradingRound, tmp_path: Path) -> None:
    """乙街道's survey closed with 8 valid ballots for S1: 4 satisfied of 5 → 80 %."""
    advance_to(grading_round, rules.SELF_EVALUATION)
    committee = Committee.objects.get(round=grading_round, name="乙街道党工委")
    survey = services.survey_create(
        grading_round=grading_round, committee=committee, actor=op(DEPT)
    )
    campaign_open(campaign=survey.campaign, actor=op(DEPT))
    marks = ["满意", "满意", "基本满意", "满意", "不满意", "满意", "基本满意", "不满意"]
    text = "ballot_no,group,S1\n" + "".join(
        f"{n},{'党员' if n % 2 else '群众'},{m}\n" for n, m in enumerate(marks, start=1)
    )
    _paper(grading_round, tmp_path, "s1.csv", text)
    campaign_close(campaign=survey.campaign, actor=Actor.operator(DEPT))
    advance_to(grading_round, rules.ASSESSMENT)
    services.assessment_submit(
        org=org(grading_round, "S1"),
        scores={k: Fraction(v) for k, v in FULL.items()},
        reasons={},
        actor=op("erin"),
    )


def test_an_entered_rate_replaces_the_counted_one_only_once_another_person_approves(
    setup_round: GradingRound, tmp_path: Path
) -> None:
    _counted_community(setup_round, tmp_path)
    s1 = org(setup_round, "S1")
    counted = grading_state(setup_round).org("S1")
    assert (counted.survey.status, counted.survey.rate, counted.total) == (
        SURVEY_COUNTED,
        Fraction(3, 4),
        Fraction(385, 4),  # 85 + 15 × 6/8
    )
    services.survey_rate_enter(org=s1, rate=Fraction(1), ballots=8, reason="x", actor=op(DEPT))
    pending = grading_state(setup_round).org("S1")
    assert (pending.survey.status, pending.total) == (SURVEY_COUNTED, Fraction(385, 4))
    assert pending.entry is not None and pending.entry.status == "pending"
    with pytest.raises(RuleError) as refused:
        services.survey_rate_decide(org=s1, approve=True, actor=op(DEPT))
    assert refused.value.message() == (
        "an entered satisfaction rate is approved by another person of the department, not "
        "by the one who entered it"
    )
    with pytest.raises(RuleError) as refused:
        services.survey_rate_decide(org=s1, approve=False, actor=op(DEPT2), note=" ")
    assert refused.value.message() == "reason for the refusal: a text is required"
    services.survey_rate_decide(org=s1, approve=False, actor=op(DEPT2), note="理由不充分")
    refused_state = grading_state(setup_round).org("S1")
    assert (refused_state.survey.rate, refused_state.total) == (Fraction(3, 4), Fraction(385, 4))
    with pytest.raises(RuleError) as refused:
        services.survey_rate_decide(org=s1, approve=True, actor=op(DEPT2))
    assert refused.value.message() == (
        "社区党委 has no entered satisfaction rate awaiting approval"
    )

    services.survey_rate_enter(
        org=s1, rate=Fraction(1), ballots=30, reason="补充测评：30名党员群众", actor=op(DEPT)
    )
    services.survey_rate_decide(org=s1, approve=True, actor=op(DEPT2))
    approved = grading_state(setup_round).org("S1")
    assert (approved.survey.status, approved.survey.rate, approved.total) == (
        "entered",
        Fraction(1),
        Fraction(100),
    )
    assert approved.counted.rate == Fraction(3, 4)  # the ballots' figure is kept
    actions = list(
        AuditEntry.objects.filter(action__startswith="grading.survey_rate.")
        .order_by("seq")
        .values_list("action", "actor")
    )
    assert actions == [
        ("grading.survey_rate.entered", DEPT),
        ("grading.survey_rate.refused", DEPT2),
        ("grading.survey_rate.entered", DEPT),
        ("grading.survey_rate.approved", DEPT2),
    ]
    [row] = [r for r in grading_report_rows(setup_round) if r.code == "S1"]
    detail = DetailReport([_report_row(row)])
    assert detail.header[8:11] == ["测评满意率（%）", "录入满意率（%）", "录入理由"]
    assert next(iter(detail.rows()))[8:12] == [
        75,
        100,
        "补充测评：30名党员群众（已审批采用）",
        100.0,
    ]


def _report_row(row: object) -> ReportOrg:
    fields = {f.name for f in dataclasses.fields(ReportOrg)}
    values = {k: v for k, v in vars(row).items() if k in fields}
    values |= {
        "total": row.total,  # type: ignore[attr-defined]
        "computed": row.computed_grade or "",  # type: ignore[attr-defined]
        "grade": "",
    }
    return ReportOrg(**values)


def test_an_organization_is_surveyed_once(setup_round: GradingRound) -> None:
    advance_to(setup_round, rules.SELF_EVALUATION)
    committee = Committee.objects.get(round=setup_round, name="乙街道党工委")
    first = services.survey_create(
        grading_round=setup_round, org=org(setup_round, "S1"), actor=op(DEPT)
    )
    with pytest.raises(RuleError) as refused:
        services.survey_create(grading_round=setup_round, committee=committee, actor=op(DEPT))
    assert refused.value.message() == (
        f"乙街道党工委 is already covered by the survey {first.campaign.code}"
    )
    with pytest.raises(RuleError) as refused:
        services.survey_create(grading_round=setup_round, actor=op(DEPT))
    assert refused.value.message() == "a survey covers one organization or one committee"


SHEET_HEADER = (
    "code,leader,ideas,rules,venue,support,performance,rules_reason,党组织带头人扣分理由\n"
)


def _sheet(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sheets.csv"
    path.write_text(SHEET_HEADER + text, encoding="utf-8")
    return path


def test_scoring_sheets_are_imported_all_or_nothing_with_each_problem_placed(
    setup_round: GradingRound, tmp_path: Path
) -> None:
    advance_to(setup_round, rules.ASSESSMENT)
    bad = _sheet(
        tmp_path,
        "V1,20,10,12,10,10,20,,\n"
        "V2,21,10,15,10,10,20,,\n"
        "Z9,20,10,15,10,10,20,,\n"
        "V1,20,10,15,10,10,20,,\n",
    )
    with pytest.raises(InputError) as refused:
        services.assessments_import(
            grading_round=setup_round, path=bad, label="sheets.csv", actor=op(DEPT)
        )
    assert refused.value.messages() == [
        "sheets.csv, row 2, column H (rules_reason): 3 points deducted need a written reason",
        "sheets.csv, row 3, column B (leader): '21' is not a score from 0 to 20 with at most "
        "two decimals",
        "sheets.csv, row 4, column A (code): 'Z9' is not an organization of this round",
        "sheets.csv, row 5, column A (code): organization 'V1' is scored twice",
    ]
    assert not Assessment.objects.exists()
    good = _sheet(tmp_path, "V1,18,10,12,10,10,20,记录不全,班子不团结\nV2,20,10,15,10,10,20,,\n")
    count = services.assessments_import(
        grading_round=setup_round, path=good, label="sheets.csv", actor=op(DEPT)
    )
    assert count == 2
    assert grading_state(setup_round).org("V1").assessment_total == 80
    again = _sheet(tmp_path, "V2,20,10,15,10,10,20,,\n")
    with pytest.raises(InputError) as refused:
        services.assessments_import(
            grading_round=setup_round, path=again, label="sheets.csv", actor=op(DEPT)
        )
    assert refused.value.messages() == [
        "sheets.csv, row 2, column A (code): organization 'V2' is already assessed"
    ]
