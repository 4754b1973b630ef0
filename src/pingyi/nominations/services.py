"""Use cases of nominations (seed 002: 逐级推荐、公示、申报、审核和审批). Each checks who asks
(nominations.access), checks the rules (rules.nominations), and runs in one transaction with
its audit entry. The web pages, the API and the CLI call these and nothing else to write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.models import Organization
from pingyi.accounts.selectors import RUN, role_in
from pingyi.audit.services import audit_log
from pingyi.inputs.nominee_files import NomineeRows, read_nominees
from pingyi.inputs.tables import file_sha256
from pingyi.nominations import access
from pingyi.nominations.models import (
    NominatingUnit,
    NominationRound,
    Nominee,
    Opinion,
    Phase,
    Rank,
    Slate,
    Step,
    UnitMember,
)
from pingyi.nominations.selectors import round_summary, slate_figures
from pingyi.notices.models import ObjectionStatus
from pingyi.notices.selectors import TRACKING_LENGTH
from pingyi.notices.services import E_ANSWER, MAX_TEXT
from pingyi.registry.models import Cleanup, Project
from pingyi.registry.selectors import kept_projects
from pingyi.rules import nominations as rules
from pingyi.rules import notice as notice_rules
from pingyi.rules.errors import RuleError, Term, gettext_noop
from pingyi.rules.registry import PUBLISHED, check_code
from pingyi.rules.scheme import fraction_text
from pingyi.rules.text import required_text
from pingyi.voting import codes

E_CODE_TAKEN = gettext_noop("the code %(code)r is taken")
E_NOT_KEPT = gettext_noop(
    "%(project)r is not on a published kept list: nominations run only under a kept project"
)
E_UNIT_EXISTS = gettext_noop("the round already has a nominating unit %(code)r")
E_NO_PARENT = gettext_noop("the round has no nominating unit %(code)r to be the level above")
E_NO_USER = gettext_noop("no user %(username)r")
E_MEMBER_EXISTS = gettext_noop("%(username)s already belongs to %(unit)s")
E_NOMINEE = gettext_noop("a nominee needs a name, a workplace and a post")
E_RANK = gettext_noop("unknown rank %(value)r")
E_LEADER = gettext_noop("a unit leader is not counted as grassroots (基层一线)")
E_PENDING = gettext_noop(
    "%(count)s lists still wait for a decision: approve or return them before the notice"
)
E_NONE_APPROVED = gettext_noop("no list is approved: nobody to put on notice")
E_OVER_TOTAL = gettext_noop(
    "the approved nominees (%(count)s) exceed the total quota (%(quota)s): publishing "
    "anyway needs a recorded reason"
)
E_NOT_ON_NOTICE = gettext_noop("the nominees are not on notice: no opinion is taken now")
E_NOTICE_OVER = gettext_noop("the notice period ended on %(day)s")
E_NOTICE_RUNS = gettext_noop("the notice runs until %(day)s: the round closes after it")
E_OPINION = gettext_noop("write the opinion (1 to 2000 characters)")
E_UNANSWERED = gettext_noop(
    "%(count)s opinion(s) filed on the notice are not answered yet: answer every opinion "
    "before the round closes"
)
E_OPINION_CLOSED = gettext_noop("the round is closed: its opinions' answers stay as they are")


@dataclass(frozen=True)
class NomineeSpec:
    name: str
    workplace: str
    post: str
    rank: str
    grassroots: bool = False
    leader: bool = False
    deeds: str = ""


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


@transaction.atomic
def round_create(
    *, organization: Organization, project: Project, code: str, name: str,
    started_on: dt.date, quota: int, grassroots_minimum: str = "70%", ratio: str = "",
    notice_days: int = rules.DEFAULT_NOTICE_DAYS, actor: Actor,
) -> NominationRound:  # fmt: skip
    """A round under a kept project: its total quota, the minimum share of grassroots
    nominees (in principle 70 %), and optionally the ratio of nominees to a unit's headcount."""
    if not actor.system and (actor.user is None or role_in(actor.user, organization) not in RUN):
        raise AccessDenied
    code = check_code(code, limit=80)
    if NominationRound.objects.filter(code=code).exists():
        raise RuleError(E_CODE_TAKEN, code=code)
    cleanup = Cleanup.objects.get(pk=project.cleanup_id)  # fresh: the round may have moved
    if cleanup.round != PUBLISHED or project.pk not in {p.pk for p in kept_projects(cleanup)}:
        raise RuleError(E_NOT_KEPT, project=project.name)
    minimum = rules.parse_share(grassroots_minimum)
    share_ratio = rules.parse_ratio(ratio)
    round_ = NominationRound.objects.create(
        organization=organization, project=project, code=code, name=name.strip(),
        started_on=started_on, quota=rules.check_quota(quota),
        grassroots_minimum=fraction_text(minimum),
        ratio=fraction_text(share_ratio) if share_ratio is not None else "",
        notice_days=rules.check_notice_days(notice_days),
    )  # fmt: skip
    audit_log(
        actor=actor.name,
        action="nominations.round.created",
        obj=round_,
        data={"code": code, "project": project.pk, "quota": quota,
              "grassroots_minimum": round_.grassroots_minimum, "ratio": round_.ratio},
    )  # fmt: skip
    return round_


@transaction.atomic
def unit_add(
    *, round_: NominationRound, code: str, name: str, parent_code: str = "",
    quota: int | None = None, headcount: int | None = None, actor: Actor,
) -> NominatingUnit:  # fmt: skip
    """A nominating unit; ``parent_code`` names the level above (empty: the office)."""
    access.check_office(actor, round_)
    code = check_code(code)
    if round_.units.filter(code=code).exists():
        raise RuleError(E_UNIT_EXISTS, code=code)
    parent = None
    if parent_code.strip():
        parent = round_.units.filter(code=parent_code.strip()).first()
        if parent is None:
            raise RuleError(E_NO_PARENT, code=parent_code.strip())
    for value in (quota, headcount):
        if value is not None:
            rules.check_quota(value)
    unit = NominatingUnit.objects.create(
        round=round_, code=code, name=name.strip(), parent=parent, quota=quota,
        headcount=headcount,
    )  # fmt: skip
    Slate.objects.create(unit=unit)
    audit_log(
        actor=actor.name,
        action="nominations.unit.added",
        obj=unit,
        data={"round": round_.code, "code": code, "name": unit.name,
              "parent": parent.code if parent else None, "quota": quota,
              "headcount": headcount},
    )  # fmt: skip
    return unit


@transaction.atomic
def unit_member_add(*, unit: NominatingUnit, username: str, actor: Actor) -> UnitMember:
    access.check_office(actor, unit.round)
    user = get_user_model().objects.filter(username=username.strip()).first()
    if user is None:
        raise RuleError(E_NO_USER, username=username.strip()[:150])
    if UnitMember.objects.filter(user=user, unit=unit).exists():
        raise RuleError(E_MEMBER_EXISTS, username=username.strip(), unit=unit.name)
    member = UnitMember.objects.create(user=user, unit=unit)
    audit_log(
        actor=actor.name,
        action="nominations.unit.member_added",
        obj=unit,
        data={"unit": unit.code, "user": user.get_username()},
    )
    return member


@transaction.atomic
def schedule_set(
    *, round_: NominationRound, changes: Mapping[str, dt.date], notice_days: int | None = None,
    actor: Actor,
) -> NominationRound:  # fmt: skip
    access.check_office(actor, round_)
    locked = NominationRound.objects.select_for_update().get(pk=round_.pk)
    before = {"schedule": dict(locked.schedule), "notice_days": locked.notice_days}
    locked.schedule = rules.checked_deadlines(locked.started_on, locked.schedule, changes)
    if notice_days is not None:
        locked.notice_days = rules.check_notice_days(notice_days)
    locked.save(update_fields=["schedule", "notice_days"])
    audit_log(
        actor=actor.name,
        action="nominations.round.schedule_set",
        obj=locked,
        data={"before": before,
              "after": {"schedule": locked.schedule, "notice_days": locked.notice_days}},
    )  # fmt: skip
    round_.schedule, round_.notice_days = locked.schedule, locked.notice_days
    return round_


# --------------------------------------------------------------------------- the unit's list


def _locked_slate(unit: NominatingUnit) -> Slate:
    slate = Slate.objects.select_for_update().select_related("unit__round").get(unit=unit)
    return slate


def _check_spec(spec: NomineeSpec) -> NomineeSpec:
    if not (spec.name.strip() and spec.workplace.strip() and spec.post.strip()):
        raise RuleError(E_NOMINEE)
    if spec.rank not in Rank.values:
        raise RuleError(E_RANK, value=spec.rank)
    if spec.leader and spec.grassroots:
        raise RuleError(E_LEADER)
    return NomineeSpec(
        spec.name.strip()[:60], spec.workplace.strip()[:200], spec.post.strip()[:120],
        spec.rank, spec.grassroots, spec.leader, spec.deeds.strip()[:4000],
    )  # fmt: skip


def nominee_add(
    *, unit: NominatingUnit, spec: NomineeSpec, actor: Actor, now: dt.datetime | None = None
) -> Nominee:
    """A nominee on the unit's list, while the list is drafted or returned. Over the quota
    or below the grassroots share is not refused here: the list shows it, and the levels
    above see it (seed 002 had over-quota lists criticized and taken back)."""
    access.check_nominator(actor, unit)
    checked = _check_spec(spec)
    with transaction.atomic():
        slate = _locked_slate(unit)
        rules.check_editable(slate.status, phase=unit.round.phase)
        nominee = Nominee.objects.create(
            slate=slate, added_by=actor.name, added_at=_now(now), **asdict(checked)
        )
        audit_log(
            actor=actor.name,
            action="nominations.nominee.added",
            obj=nominee,
            data={"unit": unit.code, **asdict(checked)},
        )
    return nominee


def nominee_remove(*, nominee: Nominee, actor: Actor) -> None:
    unit = nominee.slate.unit
    access.check_nominator(actor, unit)
    with transaction.atomic():
        slate = _locked_slate(unit)
        rules.check_editable(slate.status, phase=unit.round.phase)
        audit_log(
            actor=actor.name,
            action="nominations.nominee.removed",
            obj=nominee,
            data={"unit": unit.code, "name": nominee.name},
        )
        nominee.delete()


def _pass_people(slate: Slate) -> tuple[set[str], list[tuple[str, str]]]:
    """Who drafted the list in its current pass, and the steps of that pass."""
    steps = slate.steps.all()
    nominees = slate.nominees.all()
    if slate.pass_started_at is not None:
        steps = steps.filter(at__gte=slate.pass_started_at)
    drafters = set(nominees.values_list("added_by", flat=True))
    chain = [(s.kind, s.actor) for s in steps.order_by("at", "id")]
    drafters |= {who for kind, who in chain if kind == rules.SUBMIT}
    return drafters, chain


def _level_name(slate: Slate) -> str:
    if slate.waiting_at is not None:
        return slate.waiting_at.name
    return slate.unit.round.organization.name


def _step(
    slate: Slate, kind: str, actor: Actor, reason: str, now: dt.datetime, *, level: str,
    **data: object,
) -> None:  # fmt: skip
    Step.objects.create(
        slate=slate, kind=kind, level=level, actor=actor.name, reason=reason, at=now
    )
    audit_log(
        actor=actor.name,
        action=f"nominations.slate.{_VERBS[kind]}",
        obj=slate,
        data={"unit": slate.unit.code, "level": level, "reason": reason, **data},
        now=now,
    )


_VERBS = {
    rules.SUBMIT: "submitted",
    rules.RECOMMEND: "recommended",
    rules.RETURN: "returned",
    rules.APPROVE: "approved",
}


def slate_submit(*, unit: NominatingUnit, actor: Actor, now: dt.datetime | None = None) -> Slate:
    """The unit hands its list to the level above (its parent unit, or the office)."""
    access.check_nominator(actor, unit)
    moment = _now(now)
    with transaction.atomic():
        slate = _locked_slate(unit)
        slate.status = rules.check_step(
            slate.status, rules.SUBMIT, phase=unit.round.phase, nominees=slate.nominees.count()
        )
        slate.waiting_at = unit.parent
        slate.return_reason = ""
        slate.save(update_fields=["status", "waiting_at", "return_reason"])
        figures = slate_figures(slate)
        _step(slate, rules.SUBMIT, actor, "", moment, level=unit.name,
              to=unit.parent.code if unit.parent else None, count=figures.count,
              departures=list(figures.departures))  # fmt: skip
    return slate


def _acting(slate: Slate, step: str, actor: Actor) -> None:
    access.check_level(actor, slate)
    drafters, chain = _pass_people(slate)
    rules.check_separation(step=step, drafters=drafters, steps=chain, actor=actor.name)


def slate_recommend(*, slate: Slate, actor: Actor, now: dt.datetime | None = None) -> Slate:
    """The level where the list waits recommends it to the level above it (逐级推荐)."""
    moment = _now(now)
    with transaction.atomic():
        locked = _locked_slate(slate.unit)
        if locked.status == rules.SUBMITTED and locked.waiting_at is None:
            # at the office: the office approves or returns; there is no level above it
            raise RuleError(
                rules.E_STEP, status=Term(gettext_noop("waiting for the office")),
                step=rules.step_word(rules.RECOMMEND),
            )  # fmt: skip
        rules.check_step(locked.status, rules.RECOMMEND, phase=locked.unit.round.phase, nominees=1)
        _acting(locked, rules.RECOMMEND, actor)
        level = _level_name(locked)
        locked.waiting_at = locked.waiting_at.parent if locked.waiting_at else None
        locked.save(update_fields=["waiting_at"])
        _step(locked, rules.RECOMMEND, actor, "", moment, level=level,
              to=locked.waiting_at.code if locked.waiting_at else None)  # fmt: skip
    slate.status, slate.waiting_at = locked.status, locked.waiting_at
    return slate


def slate_return(
    *, slate: Slate, reason: str, actor: Actor, now: dt.datetime | None = None
) -> Slate:
    """The level where the list waits (or the office) sends it back to its unit, with why."""
    if not reason.strip():
        raise RuleError(rules.E_RETURN_REASON)
    moment = _now(now)
    with transaction.atomic():
        locked = _locked_slate(slate.unit)
        rules.check_step(locked.status, rules.RETURN, phase=locked.unit.round.phase, nominees=1)
        _acting(locked, rules.RETURN, actor)
        level = _level_name(locked)
        locked.status, locked.waiting_at = rules.RETURNED, None
        locked.return_reason = reason.strip()[:4000]
        locked.pass_started_at = moment
        locked.save(update_fields=["status", "waiting_at", "return_reason", "pass_started_at"])
        _step(locked, rules.RETURN, actor, locked.return_reason, moment, level=level)
    slate.status, slate.waiting_at = locked.status, locked.waiting_at
    return slate


def slate_approve(
    *, slate: Slate, reason: str = "", actor: Actor, now: dt.datetime | None = None
) -> Slate:
    """The office approves a list that reached it. In principle a list is within its quota
    and has the round's share of grassroots nominees; one that is not is approved only with a
    recorded reason, kept with the list and printed in its tables."""
    moment = _now(now)
    with transaction.atomic():
        locked = _locked_slate(slate.unit)
        rules.check_step(locked.status, rules.APPROVE, phase=locked.unit.round.phase, nominees=1)
        if locked.waiting_at is not None:
            raise RuleError(
                rules.E_STEP, status=Term(gettext_noop("waiting at a level below the office")),
                step=rules.step_word(rules.APPROVE),
            )  # fmt: skip
        _acting(locked, rules.APPROVE, actor)
        figures = slate_figures(locked)
        words = {k: gettext(v) for k, v in rules.DEPARTURE_WORDS.items()}
        stored = rules.check_approval(figures.departures, reason, words)
        locked.status, locked.approval_reason = rules.APPROVED, stored[:4000]
        locked.save(update_fields=["status", "approval_reason"])
        _step(locked, rules.APPROVE, actor, locked.approval_reason, moment,
              level=_level_name(locked), count=figures.count,
              departures=list(figures.departures))  # fmt: skip
    slate.status, slate.approval_reason = locked.status, locked.approval_reason
    return slate


# --------------------------------------------------------------------------- notice


def notice_publish(
    *, round_: NominationRound, reason: str = "", actor: Actor, now: dt.datetime | None = None
) -> NominationRound:
    """The approved nominees go on public notice for the round's notice period, from today.
    Refused while a list still waits for a decision; above the total quota only with a
    recorded reason (shown on the notice and in the tables)."""
    access.check_office(actor, round_)
    moment = _now(now)
    today = timezone.localtime(moment).date()
    with transaction.atomic():
        locked = NominationRound.objects.select_for_update().get(pk=round_.pk)
        if locked.phase != Phase.NOMINATING:
            raise RuleError(rules.E_PHASE, phase=Term(rules.PHASE_WORDS[locked.phase]))
        pending = Slate.objects.filter(unit__round=locked, status=rules.SUBMITTED).count()
        if pending:
            raise RuleError(E_PENDING, count=pending)
        summary = round_summary(locked)
        if summary.approved == 0:
            raise RuleError(E_NONE_APPROVED)
        if summary.over_total and not reason.strip():
            raise RuleError(E_OVER_TOTAL, count=summary.approved, quota=locked.quota)
        locked.phase = Phase.NOTICE
        locked.notice_start = today
        locked.notice_end = rules.notice_end(today, locked.notice_days)
        locked.notice_reason = reason.strip()[:4000] if summary.over_total else ""
        locked.save(update_fields=["phase", "notice_start", "notice_end", "notice_reason"])
        audit_log(
            actor=actor.name,
            action="nominations.notice.published",
            obj=locked,
            data={"from": today.isoformat(), "until": locked.notice_end.isoformat(),
                  "nominees": summary.approved, "quota": locked.quota,
                  "reason": locked.notice_reason},
            now=moment,
        )  # fmt: skip
    round_.phase, round_.notice_start = locked.phase, locked.notice_start
    round_.notice_end, round_.notice_reason = locked.notice_end, locked.notice_reason
    return round_


def round_close(
    *, round_: NominationRound, actor: Actor, now: dt.datetime | None = None
) -> NominationRound:
    """After the notice period, with every opinion filed on the notice answered (as a
    notice becomes final only with every objection answered), the round is closed; its list
    goes on to the commendation."""
    access.check_office(actor, round_)
    moment = _now(now)
    with transaction.atomic():
        locked = NominationRound.objects.select_for_update().get(pk=round_.pk)
        if locked.phase != Phase.NOTICE or locked.notice_end is None:
            raise RuleError(rules.E_PHASE, phase=Term(rules.PHASE_WORDS[locked.phase]))
        if timezone.localtime(moment).date() <= locked.notice_end:
            raise RuleError(E_NOTICE_RUNS, day=locked.notice_end.isoformat())
        unanswered = locked.opinions.exclude(status=ObjectionStatus.ANSWERED).count()
        if unanswered:
            raise RuleError(E_UNANSWERED, count=unanswered)
        locked.phase = Phase.CLOSED
        locked.save(update_fields=["phase"])
        audit_log(actor=actor.name, action="nominations.round.closed", obj=locked, now=moment)
    round_.phase = locked.phase
    return round_


@dataclass(frozen=True)
class FiledOpinion:
    opinion: Opinion
    tracking_code: str  # shown once to the filer; only its keyed hash is stored


def opinion_file(
    *, nominee: Nominee, text: str, contact: str = "", actor: Actor,
    now: dt.datetime | None = None,
) -> FiledOpinion:  # fmt: skip
    """Anyone's opinion on a nominee on notice (no sign-in; the day only is kept). The filer
    gets a tracking code, shown once, to read the office's answer with."""
    round_ = nominee.slate.unit.round
    body = required_text(text, 2000, E_OPINION)
    moment = _now(now)
    today = timezone.localtime(moment).date()
    if round_.phase != Phase.NOTICE or nominee.slate.status != rules.APPROVED:
        raise RuleError(E_NOT_ON_NOTICE)
    if round_.notice_end is not None and today > round_.notice_end:
        raise RuleError(E_NOTICE_OVER, day=round_.notice_end.isoformat())
    code = codes.new_code(TRACKING_LENGTH)
    with transaction.atomic():
        opinion = Opinion.objects.create(
            round=round_, nominee=nominee, text=body, contact=contact.strip()[:120],
            filed_on=today, digest=codes.digest(code),
        )  # fmt: skip
        audit_log(
            actor=actor.name,
            action="nominations.opinion.filed",
            obj=opinion,
            data={"round": round_.code, "nominee": nominee.pk, "chars": len(body)},
            now=moment,
        )
    return FiledOpinion(opinion=opinion, tracking_code=codes.grouped(code))


def opinion_answer(
    *, opinion: Opinion, answer: str, actor: Actor, now: dt.datetime | None = None
) -> Opinion:
    """The office's answer to an opinion filed on the notice; given once, it does not change
    (rules.notice, as for an objection), and the filer reads it with the tracking code.
    Answered while the notice runs or after it, until the round closes."""
    round_ = opinion.round
    access.check_office(actor, round_)
    body = required_text(answer, MAX_TEXT, E_ANSWER, max=MAX_TEXT)
    moment = _now(now)
    with transaction.atomic():
        locked = NominationRound.objects.select_for_update().get(pk=round_.pk)
        if locked.phase == Phase.CLOSED:
            raise RuleError(E_OPINION_CLOSED)
        found = Opinion.objects.select_for_update().get(pk=opinion.pk, round=locked)
        notice_rules.check_objection_move(found.status, notice_rules.ANSWERED)
        found.status = ObjectionStatus.ANSWERED
        found.answer, found.answered_at, found.answered_by = body, moment, actor.name
        found.save(update_fields=["status", "answer", "answered_at", "answered_by"])
        audit_log(
            actor=actor.name,
            action="nominations.opinion.answered",
            obj=found,
            data={"round": locked.code, "nominee": found.nominee_id, "chars": len(body)},
            now=moment,
        )
    return found


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportReport:
    imported: int
    replaced: int  # the nominees the list held before, whom the file replaced


def nominees_import_file(
    *, unit: NominatingUnit, path: Path, label: str, actor: Actor,
    now: dt.datetime | None = None,
) -> ImportReport:  # fmt: skip
    """A unit's list from its filled-in template, for every door (the page, the CLI): read
    (InputError naming file, row, column letter and field: nothing stored), then stored."""
    access.check_nominator(actor, unit)
    rows = read_nominees(path, label)
    return nominees_import(unit=unit, rows=rows, actor=actor, digest=file_sha256(path), now=now)


def nominees_import(
    *, unit: NominatingUnit, rows: NomineeRows, actor: Actor, digest: str = "",
    now: dt.datetime | None = None,
) -> ImportReport:  # fmt: skip
    """The file is the list: its nominees replace the draft (or returned) list's, all in one
    transaction, while the list may be changed; over the quota or below the grassroots share
    is shown, not refused, as for a nominee added on the page."""
    access.check_nominator(actor, unit)
    specs = [
        _check_spec(NomineeSpec(r.name, r.workplace, r.post, r.rank, r.grassroots, r.leader,
                                r.deeds))
        for r in rows.rows
    ]  # fmt: skip
    moment = _now(now)
    with transaction.atomic():
        slate = _locked_slate(unit)
        rules.check_editable(slate.status, phase=unit.round.phase)
        replaced = slate.nominees.count()
        slate.nominees.all().delete()
        Nominee.objects.bulk_create(
            Nominee(slate=slate, added_by=actor.name, added_at=moment, **asdict(spec))
            for spec in specs
        )
        audit_log(
            actor=actor.name,
            action="nominations.slate.imported",
            obj=slate,
            data={"unit": unit.code, "file": rows.file, "sha256": digest,
                  "nominees": len(specs), "replaced": replaced},
            now=moment,
        )  # fmt: skip
    return ImportReport(imported=len(specs), replaced=replaced)
