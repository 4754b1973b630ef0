"""Use cases of the members' grade vote (等级测评) and of the participant list (测评人员名单)
of a survey or a grade vote (seed 003: 第一篇 2, 第四篇 (二)).

A grade vote is a P1 campaign like the mass survey (codes, phone ballot, paper import) whose
marks are the four grades and 弃权. Its codes are locked until the list of who takes part is
approved by an assessor of the committee — never the one who drew the list up — and then as
many codes are issued as the list holds (campaigns.EvaluatorGroup.codes_allowed, checked by
voting.token_issue). A committee whose grade differs from the vote records why.

Each use case takes the actor, decides access (grading.access), runs in one transaction with
its audit entry, and refuses with RuleError, writing nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.audit.services import audit_log
from pingyi.ballots.models import Ballot, BallotSource
from pingyi.campaigns.models import Campaign, EvaluatorGroup
from pingyi.grading import access
from pingyi.grading.models import (
    Committee,
    GradeVote,
    GradingRound,
    ListStatus,
    ParticipantList,
    PartyOrg,
    Survey,
    VoteDeparture,
)
from pingyi.grading.selectors import VOTE_ABSTAIN, VOTE_MARKS, grading_state, round_scheme
from pingyi.grading.services import (
    E_REQUIRED_TEXT,
    MEMBERS,
    NON_MEMBERS,
    SURVEY_CATEGORY,
    covered_target,
    orgs_campaign_create,
)
from pingyi.rules import grade_vote as vote_rules
from pingyi.rules import grading as rules
from pingyi.rules.errors import Listing, RuleError, Term, gettext_noop
from pingyi.rules.scheme import CategoryRule, GroupTarget, Mark, Scheme, fraction_text
from pingyi.voting.models import BallotToken, TokenUse
from pingyi.voting.services import IssuedBatch, token_issue, tokens_issued

if TYPE_CHECKING:
    from pingyi.jobs.models import Job

E_VOTE_EXISTS = gettext_noop("%(name)s already has the grade vote %(campaign)s")
E_VOTE_SCOPE = gettext_noop("a grade vote covers one organization or one committee")
E_NOT_GRADING = gettext_noop("this campaign is neither a survey nor a grade vote of a round")
E_MEMBERS_RANGE = gettext_noop("the number of party members is a whole number from 1")
E_LIST_CODES_OUT = gettext_noop(
    "codes were issued for this list already: it stays as approved (withdraw the codes first)"
)
E_LIST_MISSING = gettext_noop("no participant list was drawn up for %(campaign)s")
E_LIST_APPROVED = gettext_noop("the participant list of %(campaign)s is approved already")
E_LIST_OWN = gettext_noop(
    "a participant list is approved by the assessment group, not by the one who drew it up"
)
E_LIST_NOT_APPROVED = gettext_noop(
    "codes are issued only for an approved participant list; %(campaign)s has none"
)
E_CODES_ALL_OUT = gettext_noop("every code of the approved list is issued already")
E_SUPERVISOR = gettext_noop("name the supervisor sent by the upper committee")
E_NO_DEPARTURE = gettext_noop(
    "the grade of %(org)s agrees with the members' vote: no reason needed"
)
E_LISTS_APPROVED = gettext_noop(
    "participant lists are approved already: the tolerance stays as they were checked"
)

VOTE_MARK_LABELS = ("好", "较好", "一般", "较差")
VOTE_MARK_EN = ("Good", "Fairly good", "Average", "Poor")


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def vote_scheme(k: int) -> Scheme:
    """The P1 scheme of a grade vote: the four grades as marks (好 counts 3 … 较差 0, no
    satisfaction rate is used) and 弃权 left out of every figure; members and non-members
    about 1:1 as on the list; no winners, last or rectify flags; k for suppression."""
    names = zip(VOTE_MARKS, VOTE_MARK_LABELS, VOTE_MARK_EN, strict=True)
    grades = [Mark(c, label, en, Fraction(3 - n), favourable=n < 2) for n, (c, label, en) in
              enumerate(names)]  # fmt: skip
    marks = (*grades, Mark(VOTE_ABSTAIN, "弃权", "Abstain", Fraction(0), abstain=True))
    return Scheme(
        name="党组织等级测评",
        name_en="Vote on the grade",
        marks=marks,
        categories=(CategoryRule("orgs", SURVEY_CATEGORY, "Party organizations", winners=0),),
        groups=(
            GroupTarget("members", MEMBERS, "Party members", Fraction(1, 2), ("党员代表",)),
            GroupTarget("non_members", NON_MEMBERS, "Non-members", Fraction(1, 2), ("非党员",)),
        ),
        abstain_in_denominator=False,
        rectify_below=Fraction(0),
        last_places=0,
        min_subset_ballots=k,
    )


def lock_codes(campaign: Campaign) -> None:
    """No code for any group until a participant list is approved."""
    EvaluatorGroup.objects.filter(campaign=campaign).update(codes_allowed=0)


@transaction.atomic
def grade_vote_create(
    *,
    grading_round: GradingRound,
    actor: Actor,
    org: PartyOrg | None = None,
    committee: Committee | None = None,
) -> GradeVote:
    """A grade vote of one organization or of every organization of a committee: a draft P1
    campaign whose units are the organizations, its codes locked until its list is approved."""
    access.check_runs(actor, grading_round)
    target = covered_target(grading_round, org, committee, E_VOTE_SCOPE)
    locked = GradingRound.objects.select_for_update().get(pk=grading_round.pk)
    rules.check_step(locked.status, (rules.SELF_EVALUATION, rules.ASSESSMENT))
    campaign, members = orgs_campaign_create(
        GradeVote, locked=locked, org=org, committee=committee, target=target,
        exists=E_VOTE_EXISTS, slug="vote", title="等级测评",
        scheme=vote_scheme(round_scheme(locked).min_survey_ballots), actor=actor,
    )  # fmt: skip
    code = campaign.code
    lock_codes(campaign)
    vote = GradeVote.objects.create(round=locked, campaign=campaign, org=org, committee=committee)
    audit_log(
        actor=actor.name,
        action="grading.vote.created",
        obj=locked,
        data={"campaign": code, "orgs": [m.code for m in members]},
    )
    return vote


def org_members_set(*, org: PartyOrg, members: int, actor: Actor) -> PartyOrg:
    """The number of the organization's own party members (all of whom take part)."""
    access.check_sets_members(actor, org)
    if members < 1:
        raise RuleError(E_MEMBERS_RANGE)
    with transaction.atomic():
        locked = GradingRound.objects.select_for_update().get(pk=org.round_id)
        rules.check_step(locked.status, rules.ROUND_STEPS[:-1])
        before = PartyOrg.objects.filter(pk=org.pk).values_list("members", flat=True).first()
        PartyOrg.objects.filter(pk=org.pk).update(members=members)
        audit_log(
            actor=actor.name,
            action="grading.members.set",
            obj=org,
            data={"org": org.code, "before": before, "after": members},
        )
    org.members = members
    return org


def ratio_tolerance(grading_round: GradingRound) -> tuple[Fraction, Fraction]:
    return Fraction(grading_round.ratio_min), Fraction(grading_round.ratio_max)


def ratio_tolerance_set(
    *, grading_round: GradingRound, low: Fraction | None, high: Fraction | None, actor: Actor
) -> GradingRound:
    """The round's tolerance of members : non-members within which a list needs no reason
    (by default 2:3 to 3:2); not once a list was approved against the old one. A ratio that
    is not a number (None) is refused as out of range."""
    access.check_runs(actor, grading_round)
    if low is None or high is None:
        raise RuleError(vote_rules.E_TOLERANCE)
    vote_rules.check_tolerance(low, high)
    with transaction.atomic():
        locked = GradingRound.objects.select_for_update().get(pk=grading_round.pk)
        if ParticipantList.objects.filter(round=locked, status=ListStatus.APPROVED).exists():
            raise RuleError(E_LISTS_APPROVED)
        before = (locked.ratio_min, locked.ratio_max)
        locked.ratio_min, locked.ratio_max = fraction_text(low), fraction_text(high)
        locked.save(update_fields=["ratio_min", "ratio_max"])
        audit_log(
            actor=actor.name,
            action="grading.tolerance.set",
            obj=locked,
            data={"before": list(before), "after": [locked.ratio_min, locked.ratio_max]},
        )
    grading_round.ratio_min, grading_round.ratio_max = locked.ratio_min, locked.ratio_max
    return grading_round


@dataclass(frozen=True)
class ListScope:
    """What a participant list covers: the round, the kind of campaign, its organizations."""

    round: GradingRound
    kind: str  # "vote" or "survey"
    orgs: list[PartyOrg]

    @property
    def committees(self) -> set[int]:
        return {o.committee_id for o in self.orgs}

    @property
    def members(self) -> int | None:
        """Their party members together; None while any organization's count is unknown."""
        counts = [o.members for o in self.orgs]
        return None if any(c is None for c in counts) else sum(c or 0 for c in counts)

    @property
    def unknown(self) -> Listing:
        return Listing(o.code for o in self.orgs if o.members is None)


def list_scope(campaign: Campaign) -> ListScope:
    """The grade vote or survey ``campaign`` belongs to; RuleError for any other campaign."""
    owner: GradeVote | Survey | None = (
        GradeVote.objects.filter(campaign=campaign).select_related("round").first()
    )
    kind = "vote"
    if owner is None:
        owner = Survey.objects.filter(campaign=campaign).select_related("round").first()
        kind = "survey"
    if owner is None:
        raise RuleError(E_NOT_GRADING)
    codes = list(campaign.units.values_list("code", flat=True))
    orgs = list(
        PartyOrg.objects.filter(round=owner.round, code__in=codes)
        .select_related("committee")
        .order_by("position")
    )
    return ListScope(owner.round, kind, orgs)


def list_problems(scope: ListScope, counts: vote_rules.ParticipantCounts) -> list[RuleError]:
    low, high = ratio_tolerance(scope.round)
    return vote_rules.list_problems(counts, scope.members, low=low, high=high, orgs=scope.unknown)


def counts_of(row: ParticipantList) -> vote_rules.ParticipantCounts:
    return vote_rules.ParticipantCounts(
        members=row.members,
        masses=row.masses,
        deputies=row.deputies,
        others=row.others,
        absent=row.absent,
        absent_reason=row.absent_reason,
        ratio_reason=row.ratio_reason,
    )


def _codes_out(campaign: Campaign) -> bool:
    return BallotToken.objects.filter(campaign=campaign, void=False).exists()


def participant_list_draft(
    *,
    campaign: Campaign,
    counts: vote_rules.ParticipantCounts,
    supervisor: str,
    actor: Actor,
    now: dt.datetime | None = None,
) -> ParticipantList:
    """The committee (or the department) draws up who takes part, as counts by kind, with
    the members absent and why, the reason for a ratio outside the tolerance and the
    supervisor sent by the upper committee. Refused while the rules refuse it; a new draft
    replaces the last (and its approval) until codes are issued."""
    scope = list_scope(campaign)
    access.check_draws_list(actor, scope.round, scope.committees)
    if not supervisor.strip():
        raise RuleError(E_SUPERVISOR)
    with transaction.atomic():
        locked = GradingRound.objects.select_for_update().get(pk=scope.round.pk)
        rules.check_step(locked.status, (rules.SELF_EVALUATION, rules.ASSESSMENT))
        if _codes_out(campaign):
            raise RuleError(E_LIST_CODES_OUT)
        problems = list_problems(scope, counts)
        if problems:
            raise problems[0]
        values = {
            "round": scope.round,
            "members": counts.members,
            "masses": counts.masses,
            "deputies": counts.deputies,
            "others": counts.others,
            "absent": counts.absent,
            "absent_reason": counts.absent_reason.strip() if counts.absent else "",
            "ratio_reason": counts.ratio_reason.strip(),
            "supervisor": supervisor.strip(),
            "drafted_by": actor.name,
            "drafted_at": _now(now),
            "status": ListStatus.DRAFT,
            "approved_by": "",
            "approved_at": None,
        }
        row, _ = ParticipantList.objects.update_or_create(campaign=campaign, defaults=values)
        lock_codes(campaign)
        audit_log(
            actor=actor.name,
            action="grading.list.drafted",
            obj=campaign,
            data={
                "campaign": campaign.code,
                **{k: counts.count(k) for k in vote_rules.KINDS},
                "absent": counts.absent,
                "absent_reason": values["absent_reason"],
                "ratio_reason": values["ratio_reason"],
                "supervisor": values["supervisor"],
            },
        )
    return row


def participant_list_approve(
    *, campaign: Campaign, actor: Actor, now: dt.datetime | None = None
) -> ParticipantList:
    """The assessment group approves the list (separation of duties: not the one who drew it
    up); the rules are checked again (a member count may have changed) and the campaign may
    then issue exactly as many codes per group as the list holds."""
    scope = list_scope(campaign)
    access.check_approves_list(actor, scope.round, scope.committees)
    with transaction.atomic():
        locked = GradingRound.objects.select_for_update().get(pk=scope.round.pk)
        rules.check_step(locked.status, (rules.SELF_EVALUATION, rules.ASSESSMENT))
        row = ParticipantList.objects.select_for_update().filter(campaign=campaign).first()
        if row is None:
            raise RuleError(E_LIST_MISSING, campaign=campaign.code)
        if row.status == ListStatus.APPROVED:
            raise RuleError(E_LIST_APPROVED, campaign=campaign.code)
        if row.drafted_by == actor.name:
            raise RuleError(E_LIST_OWN)
        problems = list_problems(scope, counts_of(row))
        if problems:
            raise problems[0]
        row.status, row.approved_by, row.approved_at = ListStatus.APPROVED, actor.name, _now(now)
        row.save(update_fields=["status", "approved_by", "approved_at"])
        limits = {"members": row.members, "non_members": row.non_members}
        for group in EvaluatorGroup.objects.filter(campaign=campaign):
            group.codes_allowed = limits.get(group.code, 0)
            group.save(update_fields=["codes_allowed"])
        audit_log(
            actor=actor.name,
            action="grading.list.approved",
            obj=campaign,
            data={"campaign": campaign.code, "drafted_by": row.drafted_by, **limits},
        )
    return row


def codes_remaining(campaign: Campaign) -> list[tuple[EvaluatorGroup, int]]:
    """Per group, the codes the approved list still allows (RuleError without one)."""
    row = ParticipantList.objects.filter(campaign=campaign).first()
    if row is None or row.status != ListStatus.APPROVED:
        raise RuleError(E_LIST_NOT_APPROVED, campaign=campaign.code)
    found = []
    for group in EvaluatorGroup.objects.filter(campaign=campaign).order_by("position"):
        left = (group.codes_allowed or 0) - tokens_issued(group)
        if left > 0:
            found.append((group, left))
    if not found:
        raise RuleError(E_CODES_ALL_OUT)
    return found


def check_paper_ballots(campaign: Campaign, new: int) -> None:
    """Called by the paper-ballot import (ballots.services, through grading.paper) inside its
    transaction, the campaign locked: a grade vote takes paper ballots only against its
    approved participant list, and no more than the list holds with the ballots cast online
    and imported before (rules.grade_vote.check_ballot_cap). Other campaigns pass."""
    if not GradeVote.objects.filter(campaign=campaign).exists():
        return
    row = ParticipantList.objects.filter(campaign=campaign).first()
    if row is None or row.status != ListStatus.APPROVED:
        raise RuleError(vote_rules.E_PAPER_NO_LIST, campaign=campaign.code)
    vote_rules.check_ballot_cap(
        participants=row.size,
        online=TokenUse.objects.filter(token__campaign=campaign).count(),
        paper=Ballot.objects.filter(campaign=campaign, source=BallotSource.PAPER).count(),
        new=new,
    )


def participant_codes_issue(
    *, campaign: Campaign, actor: Actor, expires_on: dt.date | None = None
) -> list[IssuedBatch]:
    """Issues every code the approved list still allows, per group (党员, 群众): afterwards the
    codes issued equal the list's size. The plain codes are returned once (API, CLI)."""
    scope = list_scope(campaign)
    access.check_runs(actor, scope.round)
    with transaction.atomic():
        return [
            token_issue(campaign=campaign, group=group, count=n, actor=actor, expires_on=expires_on)
            for group, n in codes_remaining(campaign)
        ]


def participant_codes_start(*, campaign: Campaign, base_url: str, actor: Actor) -> list[Job]:
    """As participant_codes_issue, as the P1 jobs that draw the printable code sheets."""
    from pingyi.voting.batches import batch_issue_start

    scope = list_scope(campaign)
    access.check_runs(actor, scope.round)
    return [
        batch_issue_start(campaign=campaign, group=group, count=n, base_url=base_url, actor=actor)
        for group, n in codes_remaining(campaign)
    ]


def vote_departure_record(
    *, org: PartyOrg, reason: str, actor: Actor, now: dt.datetime | None = None
) -> VoteDeparture:
    """The committee records why its grade of ``org`` differs from the members' vote; it
    holds for the grade it was written for. Refused when the grade agrees with the vote."""
    from pingyi.grading.decisions import _check_open

    access.check_decides(actor, org.committee)
    if not reason.strip():
        raise RuleError(E_REQUIRED_TEXT, field=Term(gettext_noop("reason")))
    with transaction.atomic():
        locked = GradingRound.objects.select_for_update().get(pk=org.round_id)
        rules.check_step(locked.status, (rules.DECISION,))
        state = grading_state(locked)
        committee = state.committee(org.committee_id)
        _check_open(committee)
        org_state = state.org(org.code)
        if not org_state.departs_from_vote or org_state.grade is None:
            raise RuleError(E_NO_DEPARTURE, org=org.name)
        vote = org_state.vote.result
        row, _ = VoteDeparture.objects.update_or_create(
            org=org,
            defaults={
                "grade": org_state.grade,
                "vote_grade": vote.top_text if vote else "",
                "reason": reason.strip(),
                "written_by": actor.name,
                "written_at": _now(now),
            },
        )
        audit_log(
            actor=actor.name,
            action="grading.vote_departure.recorded",
            obj=org,
            data={
                "org": org.code,
                "grade": row.grade,
                "vote": row.vote_grade,
                "reason": row.reason,
            },
        )
    return row
