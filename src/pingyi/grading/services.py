"""Use cases of a grading round up to the committee's decision: create, import, assign roles,
advance the steps, self-evaluation, assessment, talks and the mass survey.

Each runs in one transaction with its audit entry; a refusal raises RuleError (a message
constant below) or InputError (bad file, every problem with file/row/column) and writes
nothing. The committee's decision, filing and review are in decisions.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Organization
from pingyi.audit.services import audit_log
from pingyi.campaigns.models import Campaign, EvaluatorGroup
from pingyi.campaigns.services import campaign_create
from pingyi.grading import access
from pingyi.grading.models import (
    Assessment,
    AssessmentScore,
    Committee,
    EntryStatus,
    GradeVote,
    GradingRole,
    GradingRoleKind,
    GradingRound,
    PartyOrg,
    RubricIndicator,
    RubricItem,
    SelfEvaluation,
    SelfScore,
    Survey,
    SurveyEntry,
    TalkNote,
)
from pingyi.grading.selectors import as_rule, indicators_for, round_scheme, rubric_rows
from pingyi.inputs.p2_files import read_orgs
from pingyi.rules import grading as rules
from pingyi.rules import grading_schedule as schedule_rules
from pingyi.rules.errors import Listing, RuleError, Term, gettext_noop
from pingyi.rules.scheme import CategoryRule, GroupTarget, Scheme, builtin_scheme, fraction_text
from pingyi.rules.tally import UnitSpec

E_ROUND_EXISTS = gettext_noop("the organization already has a grading round for %(year)s")
E_CODE_TAKEN = gettext_noop("the round code %(code)r is taken")
E_NO_ORGS = gettext_noop("import the organizations before the round moves on")
E_CLOSE_UNFILED = gettext_noop(
    "the round can close only when every committee's filing is approved; not yet: %(names)s"
)
E_NO_USER = gettext_noop("no user %(name)r")
E_ROLE_TARGET = gettext_noop("a committee role names a committee; other roles an organization")
E_ROLE_EXISTS = gettext_noop("%(name)s already has this role")
E_NOT_IN_ROUND = gettext_noop("that is not part of this round")
E_LOCKED = gettext_noop("%(what)s of %(org)s was already submitted and is locked")
E_SCORE_DECIMALS = gettext_noop("%(indicator)s: use at most two decimals")
E_CLAIMED_GRADE = gettext_noop("the claimed grade must be one of: %(grades)s")
E_REQUIRED_TEXT = gettext_noop("%(field)s: a text is required")
E_SURVEY_EXISTS = gettext_noop("%(name)s is already covered by the survey %(campaign)s")
E_SURVEY_SCOPE = gettext_noop("a survey covers one organization or one committee")
E_RATE_RANGE = gettext_noop("a satisfaction rate is between 0%% and 100%%")
E_RATE_BALLOTS = gettext_noop("give the number of valid ballots of the survey, at least 1")
E_ENTRY_NOT_PENDING = gettext_noop("%(org)s has no entered satisfaction rate awaiting approval")
E_ENTRY_OWN = gettext_noop(
    "an entered satisfaction rate is approved by another person of the department, not by the "
    "one who entered it"
)

SELF_EVALUATION = gettext_noop("the self-evaluation")
ASSESSMENT = gettext_noop("the assessment")
SURVEY_CATEGORY = "党组织"
MEMBERS, NON_MEMBERS = "党员", "群众"


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _locked_round(grading_round: GradingRound) -> GradingRound:
    return GradingRound.objects.select_for_update().get(pk=grading_round.pk)


@transaction.atomic
def round_create(
    *,
    organization: Organization,
    year: int,
    name: str,
    scheme: rules.GradingScheme,
    actor: Actor,
    code: str | None = None,
) -> GradingRound:
    """A round in its setup step, its scheme frozen as JSON and its rubric as rows."""
    access.check_creates(actor, organization)
    if GradingRound.objects.filter(organization=organization, year=year).exists():
        raise RuleError(E_ROUND_EXISTS, year=year)
    code = code or f"{organization.code}-grading-{year}"
    if GradingRound.objects.filter(code=code).exists():
        raise RuleError(E_CODE_TAKEN, code=code)
    grading_round = GradingRound.objects.create(
        organization=organization,
        code=code,
        year=year,
        name=name,
        scheme=rules.grading_scheme_to_dict(scheme),
    )
    names = {c: n for n, c in rules.SECTORS.items()}
    rubrics = {"": scheme.indicators} | {names[c]: r for c, r in scheme.sector_rubrics.items()}
    for sector, indicators in rubrics.items():
        for position, indicator in enumerate(indicators):
            row = RubricIndicator.objects.create(
                round=grading_round,
                sector=sector,
                code=indicator.code,
                name=indicator.name,
                maximum=_decimal(indicator.maximum),
                survey=indicator.survey,
                position=position,
            )
            RubricItem.objects.bulk_create(
                RubricItem(
                    indicator=row,
                    name=item.name,
                    points=_decimal(item.points),
                    standard=item.standard,
                    position=n,
                )
                for n, item in enumerate(indicator.items)
            )
    audit_log(
        actor=actor.name,
        action="grading.round.created",
        obj=grading_round,
        data={"code": code, "year": year, "scheme": grading_round.scheme},
    )
    return grading_round


def _decimal(value: Fraction) -> str:
    """A score for a DecimalField (two decimals at most; the caller checked)."""
    return f"{float(value):.2f}" if value.denominator != 1 else str(value.numerator)


def orgs_import(*, grading_round: GradingRound, path: Path, label: str, actor: Actor) -> int:
    """Reads ORGS (SPEC P2; .csv or .xlsx) and makes it the round's organizations.

    Only in the setup step. Every bad row is reported with file, row and column (unknown
    sector, unknown parent, duplicate code, loop…) and then nothing is written. A second
    import replaces the first, roles on the replaced organizations included.
    """
    access.check_runs(actor, grading_round)
    orgs, _where = read_orgs(path, label)
    with transaction.atomic():
        locked = _locked_round(grading_round)
        rules.check_step(locked.status, (rules.SETUP,))
        replaced = PartyOrg.objects.filter(round=locked).count()
        Committee.objects.filter(round=locked).delete()  # their organizations and roles too
        committees: dict[str, Committee] = {}
        for org in orgs:
            if org.committee not in committees:
                committees[org.committee] = Committee.objects.create(
                    round=locked, name=org.committee, position=len(committees)
                )
        created = PartyOrg.objects.bulk_create(
            PartyOrg(
                round=locked,
                committee=committees[org.committee],
                code=org.code,
                name=org.name,
                sector=org.sector,
                new=org.new,
                violation=org.violation,
                members=org.members,
                position=n,
            )
            for n, org in enumerate(orgs)
        )
        by_code = {o.code: o for o in created}
        for org in orgs:
            if org.parent_code:
                child = by_code[org.code]
                child.parent = by_code[org.parent_code]
                child.save(update_fields=["parent"])
        audit_log(
            actor=actor.name,
            action="grading.orgs.imported",
            obj=locked,
            data={
                "file": label,
                "orgs": len(orgs),
                "committees": len(committees),
                "replaced": replaced,
            },
        )
    return len(orgs)


def round_advance(*, grading_round: GradingRound, actor: Actor) -> GradingRound:
    """The next step: setup → self-evaluation → assessment → decision → closed.

    Leaving setup needs organizations; closing needs every committee's filing approved.
    """
    from pingyi.grading.models import FilingStatus

    access.check_runs(actor, grading_round)

    with transaction.atomic():
        locked = _locked_round(grading_round)
        target = rules.next_step(locked.status)
        if locked.status == rules.SETUP and not locked.orgs.exists():
            raise RuleError(E_NO_ORGS)
        if target == rules.CLOSED:
            open_ = locked.committees.exclude(filing__status=FilingStatus.APPROVED)
            if open_.exists():
                raise RuleError(E_CLOSE_UNFILED, names=Listing(c.name for c in open_))
        before, locked.status = locked.status, target
        locked.save(update_fields=["status"])
        audit_log(
            actor=actor.name,
            action="grading.round.advanced",
            obj=locked,
            data={"from": before, "to": target},
        )
    grading_round.status = target
    return grading_round


def role_assign(
    *,
    grading_round: GradingRound,
    username: str,
    kind: str,
    actor: Actor,
    committee: Committee | None = None,
    org: PartyOrg | None = None,
) -> GradingRole:
    """Gives a user a committee, organization or assessor role in the round."""
    access.check_runs(actor, grading_round)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise RuleError(E_NO_USER, name=username)
    if (kind == GradingRoleKind.COMMITTEE) != (committee is not None) or (
        (committee is None) == (org is None)
    ):
        raise RuleError(E_ROLE_TARGET)
    target = committee or org
    if target is None or target.round_id != grading_round.pk:
        raise RuleError(E_NOT_IN_ROUND)
    with transaction.atomic():
        rules.check_step(_locked_round(grading_round).status, rules.ROUND_STEPS[:-1])
        role, created = GradingRole.objects.get_or_create(
            round=grading_round, user=user, kind=kind, committee=committee, org=org
        )
        if not created:
            raise RuleError(E_ROLE_EXISTS, name=username)
        audit_log(
            actor=actor.name,
            action="grading.role.assigned",
            obj=grading_round,
            data={"user": username, "kind": kind, "target": str(target)},
        )
    return role


def role_remove(*, role: GradingRole, actor: Actor) -> None:
    access.check_runs(actor, role.round)
    with transaction.atomic():
        data = {"user": role.user.get_username(), "kind": role.kind}
        data["target"] = str(role.committee or role.org)
        grading_round = role.round
        role.delete()
        audit_log(actor=actor.name, action="grading.role.removed", obj=grading_round, data=data)


def _checked_scores(
    org: PartyOrg,
    scores: Mapping[str, Fraction],
    reasons: Mapping[str, str] | None,
    *,
    survey_scored: bool,
) -> list[RubricIndicator]:
    rows = indicators_for(org, rubric_rows(org.round))
    problems = rules.score_problems(
        [as_rule(r) for r in rows], scores, reasons, survey_scored=survey_scored
    )
    for row in rows:
        value = scores.get(row.code)
        if value is not None and (value * 100).denominator != 1:
            problems.append(RuleError(E_SCORE_DECIMALS, indicator=row.name))
    if problems:
        raise problems[0]
    return [r for r in rows if survey_scored or not r.survey]


def self_evaluation_submit(
    *,
    org: PartyOrg,
    scores: Mapping[str, Fraction],
    claimed_grade: str,
    achievements: str,
    problems: str,
    actor: Actor,
    now: dt.datetime | None = None,
) -> SelfEvaluation:
    """自评申报: a score per indicator (the survey's included, as the organization's own
    estimate), a claimed grade, the main achievements and problems. Locked once submitted."""
    access.check_self_evaluates(actor, org)
    if claimed_grade not in rules.GRADES:
        raise RuleError(E_CLAIMED_GRADE, grades=Listing(rules.GRADES))
    for label, text in (
        (gettext_noop("main achievements"), achievements),
        (gettext_noop("problems"), problems),
    ):
        if not text.strip():
            raise RuleError(E_REQUIRED_TEXT, field=Term(label))
    with transaction.atomic():
        rules.check_step(_locked_round(org.round).status, (rules.SELF_EVALUATION,))
        if SelfEvaluation.objects.filter(org=org).exists():
            raise RuleError(E_LOCKED, what=Term(SELF_EVALUATION), org=org.name)
        rows = _checked_scores(org, scores, None, survey_scored=True)
        evaluation = SelfEvaluation.objects.create(
            org=org,
            claimed_grade=claimed_grade,
            achievements=achievements.strip(),
            problems=problems.strip(),
            submitted_by=actor.name,
            submitted_at=_now(now),
        )
        SelfScore.objects.bulk_create(
            SelfScore(evaluation=evaluation, indicator=r, points=_decimal(scores[r.code]))
            for r in rows
        )
        audit_log(
            actor=actor.name,
            action="grading.self_evaluation.submitted",
            obj=org,
            data={
                "org": org.code,
                "claimed": claimed_grade,
                "scores": {r.code: fraction_text(scores[r.code]) for r in rows},
            },
        )
    return evaluation


def assessment_submit(
    *,
    org: PartyOrg,
    scores: Mapping[str, Fraction],
    reasons: Mapping[str, str],
    actor: Actor,
    now: dt.datetime | None = None,
) -> Assessment:
    """组织考核: a score per indicator but the survey's, each deduction with its written
    reason. Locked once submitted."""
    access.check_assesses(actor, org)
    return _assessment_store(org=org, scores=scores, reasons=reasons, actor=actor, now=now)


def _assessment_store(
    *,
    org: PartyOrg,
    scores: Mapping[str, Fraction],
    reasons: Mapping[str, str],
    actor: Actor,
    now: dt.datetime | None = None,
) -> Assessment:
    """assessment_submit's work once its caller was admitted (an assessor, or the department
    importing the groups' sheets)."""
    with transaction.atomic():
        rules.check_step(_locked_round(org.round).status, (rules.ASSESSMENT,))
        if Assessment.objects.filter(org=org).exists():
            raise RuleError(E_LOCKED, what=Term(ASSESSMENT), org=org.name)
        rows = _checked_scores(org, scores, reasons, survey_scored=False)
        assessment = Assessment.objects.create(
            org=org, submitted_by=actor.name, submitted_at=_now(now)
        )
        AssessmentScore.objects.bulk_create(
            AssessmentScore(
                assessment=assessment,
                indicator=r,
                points=_decimal(scores[r.code]),
                reason=reasons.get(r.code, "").strip(),
            )
            for r in rows
        )
        audit_log(
            actor=actor.name,
            action="grading.assessment.submitted",
            obj=org,
            data={
                "org": org.code,
                "scores": {r.code: fraction_text(scores[r.code]) for r in rows},
                "deductions": sorted(r.code for r in rows if scores[r.code] < r.maximum),
            },
        )
    return assessment


def talk_note_add(
    *, org: PartyOrg, with_whom: str, notes: str, actor: Actor, now: dt.datetime | None = None
) -> TalkNote:
    """A talk with members or the public during the assessment (找党员群众谈话)."""
    access.check_assesses(actor, org)
    if not with_whom.strip() or not notes.strip():
        raise RuleError(E_REQUIRED_TEXT, field=Term(gettext_noop("talk")))
    with transaction.atomic():
        rules.check_step(_locked_round(org.round).status, (rules.ASSESSMENT,))
        note = TalkNote.objects.create(
            org=org,
            with_whom=with_whom.strip(),
            notes=notes.strip(),
            written_by=actor.name,
            written_at=_now(now),
        )
        audit_log(actor=actor.name, action="grading.talk.added", obj=org, data={"org": org.code})
    return note


def survey_scheme(k: int) -> Scheme:
    """The P1 scheme of a mass survey: the four marks of the built-in scheme, one category,
    members and non-members about 1:1, no winners, last or rectify flags; k for suppression."""
    return Scheme(
        name="群众满意度测评",
        name_en="Mass satisfaction survey",
        marks=builtin_scheme().marks,
        categories=(CategoryRule("orgs", SURVEY_CATEGORY, "Party organizations", winners=0),),
        groups=(
            GroupTarget("members", MEMBERS, "Party members", Fraction(1, 2), ("党员代表",)),
            GroupTarget("non_members", NON_MEMBERS, "Non-members", Fraction(1, 2), ("非党员",)),
        ),
        rectify_below=Fraction(0),
        last_places=0,
        min_subset_ballots=k,
    )


def covered_target(
    grading_round: GradingRound, org: PartyOrg | None, committee: Committee | None, scope: str
) -> PartyOrg | Committee:
    """What a survey or a grade vote covers: one organization or one committee of the round
    (``scope`` refuses neither or both)."""
    if (org is None) == (committee is None):
        raise RuleError(scope)
    target = org or committee
    if target is None or target.round_id != grading_round.pk:
        raise RuleError(E_NOT_IN_ROUND)
    return target


def orgs_campaign_create(
    model: type[Survey] | type[GradeVote], *, locked: GradingRound, org: PartyOrg | None,
    committee: Committee | None, target: PartyOrg | Committee, exists: str, slug: str,
    title: str, scheme: Scheme, actor: Actor,
) -> tuple[Campaign, list[PartyOrg]]:  # fmt: skip
    """The draft P1 campaign of a survey or a grade vote (``model``) whose units are the
    organizations covered, and they; refused with ``exists`` when one of them already has
    one. The round is locked by the caller."""
    members = [org] if org is not None else list(PartyOrg.objects.filter(committee=committee))
    covering = Q(org__in=members) | Q(committee__in={m.committee_id for m in members})
    taken = model.objects.filter(covering).select_related("campaign").first()
    if taken is not None:
        raise RuleError(exists, name=str(target), campaign=taken.campaign.code)
    code = f"{locked.code}-{slug}-{model.objects.filter(round=locked).count() + 1}"
    campaign = campaign_create(
        organization_code=locked.organization.code,
        organization_name=locked.organization.name,
        series_code=code,
        series_name=f"{locked.name} {title}",
        year=locked.year,
        name=f"{locked.name} {title}：{target}",
        scheme=scheme,
        units=[UnitSpec(m.code, m.name, SURVEY_CATEGORY, "orgs") for m in members],
        code=code,
        actor=actor,
    )
    return campaign, members


def survey_create(
    *,
    grading_round: GradingRound,
    actor: Actor,
    org: PartyOrg | None = None,
    committee: Committee | None = None,
) -> Survey:
    """A mass survey of one organization or of every organization of a committee: a draft P1
    campaign (tokens, QR and paper import as in P1) whose units are the organizations."""
    access.check_runs(actor, grading_round)
    target = covered_target(grading_round, org, committee, E_SURVEY_SCOPE)
    with transaction.atomic():
        locked = _locked_round(grading_round)
        rules.check_step(locked.status, (rules.SELF_EVALUATION, rules.ASSESSMENT))
        campaign, members = orgs_campaign_create(
            Survey, locked=locked, org=org, committee=committee, target=target,
            exists=E_SURVEY_EXISTS, slug="survey", title="群众满意度测评",
            scheme=survey_scheme(round_scheme(locked).min_survey_ballots), actor=actor,
        )  # fmt: skip
        code = campaign.code
        # no code until the participant list is approved (grading.votes)
        EvaluatorGroup.objects.filter(campaign=campaign).update(codes_allowed=0)
        survey = Survey.objects.create(
            round=locked, campaign=campaign, org=org, committee=committee
        )
        audit_log(
            actor=actor.name,
            action="grading.survey.created",
            obj=locked,
            data={"campaign": code, "orgs": [m.code for m in members]},
        )
    return survey


def survey_rate_enter(
    *,
    org: PartyOrg,
    rate: Fraction,
    ballots: int,
    reason: str,
    actor: Actor,
    now: dt.datetime | None = None,
) -> SurveyEntry:
    """The department enters a satisfaction rate (a survey held outside Pingyi, or a new one
    after a suppressed result). It awaits the approval of a second person of the department
    (survey_rate_decide) and meanwhile the counted rate stands (seed 003: 不得随意更改测评结果);
    a new entry replaces the last one and awaits approval again. Refused once the grades are
    on notice or the committee has filed (check_grades_open)."""
    access.check_runs(actor, org.round)
    if not 0 <= rate <= 1:
        raise RuleError(E_RATE_RANGE)
    if ballots < 1:
        raise RuleError(E_RATE_BALLOTS)
    if not reason.strip():
        raise RuleError(E_REQUIRED_TEXT, field=Term(gettext_noop("reason")))
    from pingyi.grading.decisions import check_grades_open  # decisions builds on services

    with transaction.atomic():
        rules.check_step(_locked_round(org.round).status, (rules.ASSESSMENT, rules.DECISION))
        check_grades_open(org)  # a new rate moves the total, hence maybe the grade
        entry, _ = SurveyEntry.objects.update_or_create(
            org=org,
            defaults={
                "rate": fraction_text(rate),
                "ballots": ballots,
                "reason": reason.strip(),
                "entered_by": actor.name,
                "entered_at": _now(now),
                "status": EntryStatus.PENDING,
                "decided_by": "",
                "decided_at": None,
                "decision_note": "",
            },
        )
        audit_log(
            actor=actor.name,
            action="grading.survey_rate.entered",
            obj=org,
            data={
                "org": org.code,
                "rate": fraction_text(rate),
                "ballots": ballots,
                "reason": reason.strip(),
            },
        )
    return entry


def survey_rate_decide(
    *,
    org: PartyOrg,
    approve: bool,
    actor: Actor,
    note: str = "",
    now: dt.datetime | None = None,
) -> SurveyEntry:
    """A second person of the department approves or refuses the entered rate awaiting
    approval — never the one who entered it (separation of duties). Approved, it replaces the
    counted rate; refused, the counted rate stands and the refusal says why."""
    access.check_runs(actor, org.round)
    if not approve and not note.strip():
        raise RuleError(E_REQUIRED_TEXT, field=Term(gettext_noop("reason for the refusal")))
    from pingyi.grading.decisions import check_grades_open

    with transaction.atomic():
        rules.check_step(_locked_round(org.round).status, (rules.ASSESSMENT, rules.DECISION))
        entry = SurveyEntry.objects.select_for_update().filter(org=org).first()
        if entry is None or entry.status != EntryStatus.PENDING:
            raise RuleError(E_ENTRY_NOT_PENDING, org=org.name)
        if entry.entered_by == actor.name:
            raise RuleError(E_ENTRY_OWN)
        check_grades_open(org)
        entry.status = EntryStatus.APPROVED if approve else EntryStatus.REFUSED
        entry.decided_by = actor.name
        entry.decided_at = _now(now)
        entry.decision_note = note.strip()
        entry.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_log(
            actor=actor.name,
            action=f"grading.survey_rate.{'approved' if approve else 'refused'}",
            obj=org,
            data={
                "org": org.code,
                "rate": entry.rate,
                "entered_by": entry.entered_by,
                "note": entry.decision_note,
            },
        )
    return entry


def schedule_set(
    *,
    grading_round: GradingRound,
    changes: Mapping[str, tuple[dt.date, dt.date]],
    actor: Actor,
) -> GradingRound:
    """The department's own dates for steps of the round (the seed's defaults stay for the
    others); checked in order, each step after the one before it."""
    access.check_runs(actor, grading_round)
    with transaction.atomic():
        locked = _locked_round(grading_round)
        before = dict(locked.schedule)
        locked.schedule = schedule_rules.checked_schedule(locked.year, before, changes)
        locked.save(update_fields=["schedule"])
        audit_log(
            actor=actor.name,
            action="grading.schedule.set",
            obj=locked,
            data={"before": before, "after": locked.schedule},
        )
    grading_round.schedule = locked.schedule
    return grading_round


def schedule_mark_done(
    *, grading_round: GradingRound, key: str, actor: Actor, now: dt.datetime | None = None
) -> GradingRound:
    """The department records a step of the schedule done that the round does not show by
    itself (the look-back report sent with its 附件1、2)."""
    access.check_runs(actor, grading_round)
    if key not in schedule_rules.MILESTONES:
        raise RuleError(schedule_rules.E_SCHEDULE_KEY, key=key)
    with transaction.atomic():
        locked = _locked_round(grading_round)
        day = timezone.localtime(_now(now)).date().isoformat()
        locked.schedule = {**locked.schedule, "done": {**locked.schedule.get("done", {}), key: day}}
        locked.save(update_fields=["schedule"])
        audit_log(
            actor=actor.name,
            action="grading.schedule.done",
            obj=locked,
            data={"step": key, "on": day},
        )
    grading_round.schedule = locked.schedule
    return grading_round


def assessments_import(*, grading_round: GradingRound, path: Path, label: str, actor: Actor) -> int:
    """The assessment groups' scoring sheets as one file (grading/imports.py): every row
    checked first — unknown or repeated organization, already assessed, score outside
    0..maximum, a deduction without its reason — and then all stored, or nothing."""
    from pingyi.grading.imports import read_assessment_sheet

    access.check_runs(actor, grading_round)
    rules.check_step(grading_round.status, (rules.ASSESSMENT,))
    rows = read_assessment_sheet(grading_round, rubric_rows(grading_round).get("", []), path, label)
    with transaction.atomic():
        for row in rows:
            _assessment_store(org=row.org, scores=row.scores, reasons=row.reasons, actor=actor)
        audit_log(
            actor=actor.name,
            action="grading.assessments.imported",
            obj=grading_round,
            data={"file": label, "orgs": [row.org.code for row in rows]},
        )
    return len(rows)
