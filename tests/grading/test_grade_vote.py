"""The members' grade vote (等级测评) and its participant list (测评人员名单), seed 003:
the list's rules, its approval by the assessment group (not by whoever drew it up), codes
only after approval and exactly as many as the list holds, the vote's tally, the committee's
reason for departing from it, and the report tables opened back."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import User

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.models import Membership
from pingyi.ballots.models import Ballot, BallotSource
from pingyi.ballots.services import ballots_import
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.selectors import campaign_scheme
from pingyi.campaigns.services import campaign_close, campaign_open
from pingyi.cli import main
from pingyi.grading import votes
from pingyi.grading.models import Committee, GradingRound, ListStatus
from pingyi.grading.selectors import E_FILE_DEPARTURES, grading_reports, grading_state
from pingyi.grading.services import role_assign
from pingyi.inputs.p1_files import BallotRows, read_ballots
from pingyi.rules import grade_vote as vote_rules
from pingyi.rules import grading as rules
from pingyi.rules.errors import RuleError
from pingyi.voting.models import BallotToken
from pingyi.voting.services import ballot_submit, token_issue
from tests.grading.conftest import DEPT, advance_to, assess, make_round, office, op, org

pytestmark = pytest.mark.django_db

JIA = "甲镇党委"


def people(grading_round: GradingRound) -> dict[str, Actor]:
    """alice runs the round (staff), carol works for 甲镇党委 and also assesses V2, erin
    assesses V1."""
    found = {}
    for name in ("alice", "carol", "erin"):
        found[name] = User.objects.get_or_create(username=name)[0]
    Membership.objects.get_or_create(user=found["alice"], organization=office(), role="staff")
    jia = Committee.objects.get(round=grading_round, name=JIA)
    role_assign(grading_round=grading_round, username="carol", kind="committee", committee=jia,
                actor=op(DEPT))  # fmt: skip
    for name, code in (("erin", "V1"), ("carol", "V2")):
        role_assign(grading_round=grading_round, username=name, kind="assessor",
                    org=org(grading_round, code), actor=op(DEPT))  # fmt: skip
    return {name: Actor.of(user) for name, user in found.items()}


@pytest.fixture
def vote_round(tmp_path: Path) -> tuple[GradingRound, dict[str, Actor]]:
    grading_round = advance_to(make_round(tmp_path), rules.SELF_EVALUATION)
    return grading_round, people(grading_round)


def test_codes_only_after_the_assessment_group_approves_and_as_many_as_listed(
    vote_round: tuple[GradingRound, dict[str, Actor]],
) -> None:
    grading_round, who = vote_round
    v1 = org(grading_round, "V1")
    vote = votes.grade_vote_create(grading_round=grading_round, org=v1, actor=who["alice"])
    campaign = vote.campaign
    members_group = campaign.groups.get(code="members")
    with pytest.raises(RuleError):  # no list yet: no code at all
        token_issue(campaign=campaign, group=members_group, count=1, actor=Actor.operator(DEPT))
    with pytest.raises(RuleError) as unknown:
        votes.participant_list_draft(
            campaign=campaign, counts=vote_rules.ParticipantCounts(members=12, masses=12),
            supervisor="镇党委组织委员 王明", actor=who["carol"],
        )  # fmt: skip
    assert unknown.value.template == vote_rules.E_MEMBERS_UNKNOWN
    with pytest.raises(AccessDenied):  # an assessor does not set the member count
        votes.org_members_set(org=v1, members=12, actor=who["erin"])
    votes.org_members_set(org=v1, members=12, actor=who["carol"])
    counts = vote_rules.ParticipantCounts(
        members=11, masses=8, deputies=2, others=2, absent=1, absent_reason="1人住院治疗"
    )
    with pytest.raises(AccessDenied):  # the assessor does not draw the list up
        votes.participant_list_draft(
            campaign=campaign, counts=counts, supervisor="王明", actor=who["erin"]
        )
    votes.participant_list_draft(
        campaign=campaign, counts=counts, supervisor="镇党委组织委员 王明", actor=who["carol"]
    )
    with pytest.raises(RuleError):  # drawn up, not approved: still no code
        votes.participant_codes_issue(campaign=campaign, actor=who["alice"])
    with pytest.raises(RuleError) as own:  # carol assesses V2 of the committee, but drew it up
        votes.participant_list_approve(campaign=campaign, actor=who["carol"])
    assert own.value.template == votes.E_LIST_OWN
    with pytest.raises(AccessDenied):  # the department is not the assessment group
        votes.participant_list_approve(campaign=campaign, actor=who["alice"])
    row = votes.participant_list_approve(campaign=campaign, actor=who["erin"])
    assert (row.status, row.approved_by, row.size) == (ListStatus.APPROVED, "erin", 23)

    issued = votes.participant_codes_issue(campaign=campaign, actor=who["alice"])
    assert {b.batch.group.code: len(b.codes) for b in issued} == {"members": 11, "non_members": 12}
    assert BallotToken.objects.filter(campaign=campaign).count() == row.size == 23
    with pytest.raises(RuleError):  # the list is spent: not one code more
        token_issue(campaign=campaign, group=members_group, count=1, actor=Actor.operator(DEPT))
    with pytest.raises(RuleError):
        votes.participant_codes_issue(campaign=campaign, actor=who["alice"])
    with pytest.raises(RuleError) as fixed:  # codes out: the list stays as approved
        votes.participant_list_draft(
            campaign=campaign, counts=counts, supervisor="王明", actor=who["alice"]
        )
    assert fixed.value.template == votes.E_LIST_CODES_OUT


def test_a_list_off_one_to_one_needs_its_reason_and_the_round_sets_the_tolerance(
    vote_round: tuple[GradingRound, dict[str, Actor]],
) -> None:
    grading_round, who = vote_round
    survey_campaign = votes.grade_vote_create(
        grading_round=grading_round, org=org(grading_round, "V2"), actor=who["alice"]
    ).campaign
    votes.org_members_set(org=org(grading_round, "V2"), members=10, actor=who["alice"])
    off = vote_rules.ParticipantCounts(members=10, masses=5)  # 2:1
    with pytest.raises(RuleError) as refused:
        votes.participant_list_draft(
            campaign=survey_campaign, counts=off, supervisor="王明", actor=who["carol"]
        )
    assert refused.value.template == vote_rules.E_RATIO
    votes.ratio_tolerance_set(
        grading_round=grading_round, low=Fraction(1, 2), high=Fraction(2), actor=who["alice"]
    )
    votes.participant_list_draft(
        campaign=survey_campaign, counts=off, supervisor="王明", actor=who["carol"]
    )
    votes.participant_list_approve(campaign=survey_campaign, actor=who["erin"])
    with pytest.raises(RuleError):  # a list was approved against it: the tolerance stays
        votes.ratio_tolerance_set(
            grading_round=grading_round, low=Fraction(2, 3), high=Fraction(3, 2),
            actor=who["alice"],
        )  # fmt: skip


def test_a_survey_too_waits_for_its_approved_list(
    vote_round: tuple[GradingRound, dict[str, Actor]],
) -> None:
    from pingyi.grading.services import survey_create

    grading_round, who = vote_round
    survey = survey_create(
        grading_round=grading_round, org=org(grading_round, "V1"), actor=op(DEPT)
    )
    group = survey.campaign.groups.get(code="non_members")
    with pytest.raises(RuleError):
        token_issue(campaign=survey.campaign, group=group, count=5, actor=Actor.operator(DEPT))
    votes.org_members_set(org=org(grading_round, "V1"), members=6, actor=who["alice"])
    counts = vote_rules.ParticipantCounts(members=6, masses=3, others=3)
    votes.participant_list_draft(
        campaign=survey.campaign, counts=counts, supervisor="王明", actor=who["alice"]
    )
    votes.participant_list_approve(campaign=survey.campaign, actor=who["erin"])
    assert (
        len(
            token_issue(
                campaign=survey.campaign, group=group, count=6, actor=Actor.operator(DEPT)
            ).codes
        )
        == 6
    )
    with pytest.raises(RuleError):
        token_issue(campaign=survey.campaign, group=group, count=1, actor=Actor.operator(DEPT))


# V1: 8 好, 3 较好, 1 一般, 0 较差 and one 弃权; V2: 2 好, 8 较好, 1 一般 and two left blank
# (a blank counts as 弃权). G1, B1 … are left blank on every ballot.
BALLOTS = [("好", "较好")] * 6 + [("好", "一般"), ("好", "好"), ("较好", "好")]
BALLOTS += [("较好", "较好"), ("较好", ""), ("一般", ""), ("弃权", "较好")]


def _voted(tmp_path: Path, who: dict[str, Actor], grading_round: GradingRound) -> None:
    """A committee-wide vote of 甲镇党委, its ballots on paper, counted."""
    jia = Committee.objects.get(round=grading_round, name=JIA)
    vote = votes.grade_vote_create(grading_round=grading_round, committee=jia, actor=who["alice"])
    campaign = vote.campaign
    for code in ("G1", "B1", "V1", "V2", "N1", "X1"):  # every organization of 甲镇党委
        votes.org_members_set(org=org(grading_round, code), members=1, actor=who["alice"])
    counts = vote_rules.ParticipantCounts(members=6, masses=7)  # 13 take part, 13 ballots
    votes.participant_list_draft(
        campaign=campaign, counts=counts, supervisor="王明", actor=who["carol"]
    )
    votes.participant_list_approve(campaign=campaign, actor=who["erin"])
    campaign_open(campaign=campaign, actor=Actor.operator(DEPT))
    units = list(campaign.units.order_by("position").values_list("code", flat=True))
    path = tmp_path / "vote.csv"
    lines = ["ballot_no,group," + ",".join(units)]
    for n, (v1, v2) in enumerate(BALLOTS, 1):
        cells = {"V1": v1, "V2": v2}
        group = "党员" if n % 2 else "群众"
        lines.append(f"{n},{group}," + ",".join(cells.get(u, "") for u in units))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = read_ballots(path, units, campaign_scheme(campaign), "vote.csv")
    ballots_import(campaign=campaign, rows=rows, actor=Actor.operator(DEPT))
    campaign_close(campaign=campaign, actor=Actor.operator(DEPT))


def _paper(tmp_path: Path, campaign: Campaign, numbers: range) -> BallotRows:
    """Paper ballots numbered ``numbers``, each grading V1 好."""
    units = list(campaign.units.order_by("position").values_list("code", flat=True))
    path = tmp_path / f"paper-{numbers.start}.csv"
    lines = ["ballot_no,group," + ",".join(units)]
    lines += [f"{n},党员," + ",".join("好" if u == "V1" else "" for u in units) for n in numbers]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return read_ballots(path, units, campaign_scheme(campaign), path.name)


def test_paper_ballots_never_outnumber_the_approved_list_with_the_online_ones(
    tmp_path: Path, vote_round: tuple[GradingRound, dict[str, Actor]]
) -> None:
    grading_round, who = vote_round
    v1 = org(grading_round, "V1")
    campaign = votes.grade_vote_create(
        grading_round=grading_round, org=v1, actor=who["alice"]
    ).campaign
    campaign_open(campaign=campaign, actor=Actor.operator(DEPT))
    with pytest.raises(RuleError) as no_list:  # no approved list: no paper ballot either
        ballots_import(
            campaign=campaign,
            rows=_paper(tmp_path, campaign, range(1, 2)),
            actor=Actor.operator(DEPT),
        )
    assert no_list.value.template == vote_rules.E_PAPER_NO_LIST
    votes.org_members_set(org=v1, members=3, actor=who["alice"])
    counts = vote_rules.ParticipantCounts(members=3, masses=2)  # 5 take part
    votes.participant_list_draft(
        campaign=campaign, counts=counts, supervisor="王明", actor=who["carol"]
    )
    votes.participant_list_approve(campaign=campaign, actor=who["erin"])
    members = campaign.groups.get(code="members")
    code = token_issue(campaign=campaign, group=members, count=1, actor=Actor.operator(DEPT)).codes[
        0
    ]
    ballot_submit(code=code, marks={"V1": "good"})  # one cast online

    report = ballots_import(campaign=campaign, rows=_paper(tmp_path, campaign, range(1, 4)),
                            actor=Actor.operator(DEPT))  # fmt: skip
    assert report.imported == 3  # 1 online + 3 paper = 4 of 5
    with pytest.raises(RuleError) as over:  # 2 more would make 6 ballots for 5 people
        ballots_import(
            campaign=campaign,
            rows=_paper(tmp_path, campaign, range(4, 6)),
            actor=Actor.operator(DEPT),
        )
    assert over.value.template == vote_rules.E_PAPER_OVER_LIST
    assert over.value.params["left"] == 1 and over.value.params["total"] == 6
    assert Ballot.objects.filter(campaign=campaign, source=BallotSource.PAPER).count() == 3
    # the file already imported adds nothing, so it is not refused; one more fits exactly
    again = ballots_import(campaign=campaign, rows=_paper(tmp_path, campaign, range(1, 4)),
                           actor=Actor.operator(DEPT))  # fmt: skip
    assert (again.imported, len(again.rejected)) == (0, 3)
    last = ballots_import(campaign=campaign, rows=_paper(tmp_path, campaign, range(4, 5)),
                          actor=Actor.operator(DEPT))  # fmt: skip
    assert last.imported == 1


def test_the_tally_of_a_grade_vote(
    tmp_path: Path, vote_round: tuple[GradingRound, dict[str, Actor]]
) -> None:
    grading_round, who = vote_round
    _voted(tmp_path, who, grading_round)
    state = grading_state(grading_round)
    v1 = state.org("V1").vote
    assert v1.status == "counted" and v1.result is not None
    assert (v1.result.counts, v1.result.abstain) == ((8, 3, 1, 0), 1)
    assert v1.result.grade == "好" and v1.result.share("好") == Fraction(2, 3)
    v2 = state.org("V2").vote.result
    assert v2 is not None and (v2.counts, v2.abstain) == ((2, 8, 1, 0), 2)  # blanks abstain
    assert v2.grade == "较好" and v2.share("较好") == Fraction(8, 11)
    # fewer than k = 8 votes for a grade: G1 had none at all (13 blanks)
    assert state.org("G1").vote.status == "suppressed"


def run(*args: object) -> int:
    try:
        return main([str(a) for a in args])
    except SystemExit as exit_:
        return int(exit_.code or 0)


def _values(path: Path, sheet: str) -> list[list[object]]:
    book = openpyxl.load_workbook(path)
    return [list(r) for r in book[sheet].iter_rows(min_row=2, values_only=True)]


def test_a_committee_departing_from_the_vote_records_why_and_the_tables_show_it(
    tmp_path: Path, vote_round: tuple[GradingRound, dict[str, Actor]]
) -> None:
    grading_round, who = vote_round
    _voted(tmp_path, who, grading_round)
    advance_to(grading_round, rules.ASSESSMENT)
    totals = {"G1": 85, "B1": 85, "V1": 95, "V2": 95, "N1": 85, "X1": 50, "S1": 85, "O1": 85}
    for code, total in totals.items():
        assess(grading_round, code, total)
    advance_to(grading_round, rules.DECISION)
    state = grading_state(grading_round)
    assert state.org("V1").grade == "好" and not state.org("V1").departs_from_vote
    assert state.org("V2").grade == "好" and state.org("V2").needs_departure_reason
    jia = state.committee(org(grading_round, "V1").committee_id)
    departures = [b for b in jia.blockers(state.scheme) if b.template == E_FILE_DEPARTURES]
    assert [str(b.params["codes"]) for b in departures] == ["V2"]
    v2 = org(grading_round, "V2")
    with pytest.raises(AccessDenied):  # the department does not decide for the committee
        votes.vote_departure_record(org=v2, reason="x", actor=who["alice"])
    with pytest.raises(RuleError):  # V1 agrees with its vote
        votes.vote_departure_record(org=org(grading_round, "V1"), reason="x", actor=who["carol"])
    votes.vote_departure_record(
        org=v2, reason="考核得分95分，实绩突出，测评时部分群众代表不了解情况", actor=who["carol"]
    )
    state = grading_state(grading_round)
    assert not state.org("V2").needs_departure_reason
    blockers = state.committee(v2.committee_id).blockers(state.scheme)
    assert E_FILE_DEPARTURES not in [b.template for b in blockers]
    rows = {r.code: r for r in grading_reports(grading_round)}
    assert rows["V2"].departure_reason.startswith("考核得分95分")
    assert rows["V1"].departure_reason == ""

    out = tmp_path / "r.xlsx"
    assert run("grading", "reports", "--round", grading_round.code, "--out", out) == 0
    detail = {r[1]: r for r in _values(out, "明细表")[1:]}
    header = _values(out, "明细表")[0]
    at = {name: header.index(name) for name in header if name}
    v1, v2_row = detail["V1"], detail["V2"]
    assert v1[at["测评票数（好/较好/一般/较差/弃权）"]] == "8/3/1/0/1"
    assert (v1[at["测评等次"]], v1[at["测评等次得票率（%）"]]) == ("好", 66.7)
    assert v1[at["与测评等次不一致理由"]] is None
    assert v2_row[at["测评票数（好/较好/一般/较差/弃权）"]] == "2/8/1/0/2"
    assert (v2_row[at["测评等次"]], v2_row[at["评定等次"]]) == ("较好", "好")
    assert v2_row[at["与测评等次不一致理由"]].startswith("考核得分95分")
    assert detail["G1"][at["测评票数（好/较好/一般/较差/弃权）"]] == "票数不足，不公布"
    assert detail["S1"][at["测评票数（好/较好/一般/较差/弃权）"]] is None  # no vote
    overview = _values(out, "一览表")
    oh = overview[0]
    by_name = {r[2]: r for r in overview[1:]}
    v2_over = by_name["三村党支部"]
    assert v2_over[oh.index("测评等次")] == "较好"
    assert v2_over[oh.index("与测评等次不一致理由")].startswith("考核得分95分")


def test_the_cli_keeps_the_drafter_from_approving_and_writes_exactly_the_listed_codes(
    tmp_path: Path, vote_round: tuple[GradingRound, dict[str, Actor]]
) -> None:
    grading_round, who = vote_round
    code = grading_round.code
    assert run("grading", "vote", "--round", code, "--org", "V1") == 0
    campaign = f"{code}-vote-1"
    assert run("grading", "members", "--round", code, "--org", "V1", "8") == 0
    counts = ["--members", "8", "--masses", "5", "--deputies", "2", "--others", "1"]
    draft = ["grading", "list", "draft", "--round", code, "--campaign", campaign, *counts]
    draft += ["--supervisor", "王明"]
    assert run(*draft) == 0
    approve = ["grading", "list", "approve", "--round", code, "--campaign", campaign]
    assert run(*approve) == 1  # the operator drew it up: another person approves
    from pingyi.campaigns.models import Campaign

    found = Campaign.objects.get(code=campaign)
    votes.participant_list_approve(campaign=found, actor=who["erin"])
    out = tmp_path / "codes.csv"
    codes = ["grading", "list", "codes", "--round", code, "--campaign", campaign, "--out", out]
    assert run(*codes) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "group,code" and len(lines) == 1 + 16
    assert sum(1 for line in lines if line.startswith("党员,")) == 8
    assert run(*codes) == 1  # all issued: not one more


def test_the_pages_of_the_list_and_the_vote_read_in_chinese(
    tmp_path: Path, vote_round: tuple[GradingRound, dict[str, Actor]]
) -> None:
    from tests.chinese import FIXTURE_WORDS, ZH, english_of
    from tests.web.conftest import client_for

    grading_round, who = vote_round
    _voted(tmp_path, who, grading_round)
    jia_vote = f"{grading_round.code}-vote-1"
    carol = client_for(who["carol"].user)
    page = carol.get(f"/staff/grading/{grading_round.code}/p/{jia_vote}/", headers=ZH)
    assert page.status_code == 200
    text = page.content.decode()
    assert "测评人员名单" in text and "上级党委派出的监督人员" in text
    assert english_of(page, FIXTURE_WORDS) == []
    alice = client_for(who["alice"].user)
    org_page = alice.get(f"/staff/grading/{grading_round.code}/o/V1/", headers=ZH)
    body = org_page.content.decode()
    assert "党员群众等级测评" in body and 'id="vote-grade">好<' in body
    assert english_of(org_page, FIXTURE_WORDS) == []
    round_page = alice.get(f"/staff/grading/{grading_round.code}/", headers=ZH)
    assert "创建等级测评" in round_page.content.decode()
    assert english_of(round_page, FIXTURE_WORDS) == []


def test_the_orgs_file_may_give_the_party_members(tmp_path: Path) -> None:
    from pingyi.inputs.p2_files import read_orgs
    from pingyi.rules.errors import InputError

    text = "code,name,sector,committee,党员人数\n"
    text += "V1,二村党支部,农村,甲镇党委,23\nV2,三村,农村,甲镇党委,\n"
    grading_round = make_round(tmp_path, text)
    assert (org(grading_round, "V1").members, org(grading_round, "V2").members) == (23, None)
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace(",23", ",二十三"), encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read_orgs(bad, "bad.csv")
    where = refused.value.problems[0].where
    assert (where.file, where.row, where.column) == ("bad.csv", 2, "E")
