"""Use cases that change the registry. Each runs in one transaction with its audit entry.

Each takes the actor and decides in registry.access whether the actor may (pages, the API and
the CLI call them alike), then checks the rules: the round, the suggestion, the merge target.
The audit entry records the actor's name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from fractions import Fraction

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from pingyi import evidence
from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Organization
from pingyi.audit.services import audit_log
from pingyi.registry import access
from pingyi.registry.models import (
    BasisDocument,
    Cleanup,
    Project,
    ProjectDecision,
    RegisteringUnit,
    Round,
    UnitMember,
)
from pingyi.registry.selectors import (
    cleanup_stats,
    cleanup_suggestions,
    effective_decisions,
    undecided_in_round,
)
from pingyi.rules import registry as rules
from pingyi.rules import registry_schedule as schedule_rules
from pingyi.rules.errors import InputError, Problem, RuleError, Where, gettext_noop
from pingyi.rules.scheme import fraction_text

E_CODE_TAKEN = gettext_noop("the code %(code)r is taken")
E_UNIT_EXISTS = gettext_noop("the clean-up already has a registering unit %(code)r")
E_NO_USER = gettext_noop("no user %(username)r")
E_MEMBER_EXISTS = gettext_noop("%(username)s already registers for %(unit)s")
E_PROJECT_EXISTS = gettext_noop("%(unit)s has already registered %(name)r")
E_CLOSED = gettext_noop("the kept list is published: the clean-up takes no more changes")
E_OTHER_CLEANUP = gettext_noop("the project to merge into belongs to another clean-up")
E_NO_PROJECTS = gettext_noop("choose at least one project")
E_NO_PREVIOUS = gettext_noop("no decision of an earlier round to carry over")
E_NOT_EXCLUDED = gettext_noop("%(project)r is in the clean-up's scope already")
E_DOCUMENT = gettext_noop("a basis document needs its title and the body that issued it")
CARRY_OVER = rules.CARRY_OVER


@dataclass(frozen=True)
class ProjectSpec:
    """A project as a unit registers it (the registration form's row or the web form)."""

    name: str
    organizer: str
    organizer_kind: str
    level: str
    cycle: str
    target_group: str
    basis_kind: str
    basis_title: str = ""
    self_established: bool = False
    charges_fees: bool = False
    burdens_money: bool = False
    burdens_goods: bool = False
    burdens_labour: bool = False
    improper_spending: bool = False
    reason: str = ""
    established_on: dt.date | None = None
    money_saved: Decimal | None = None


@transaction.atomic
def cleanup_create(
    *,
    organization: Organization,
    code: str,
    name: str,
    started_on: dt.date,
    target: str = "70%",
    actor: Actor,
) -> Cleanup:
    """A clean-up at its self-check round; ``target`` as typed ("70%", "7/10")."""
    access.check_create(actor, organization)
    share = rules.parse_target(target)
    code = rules.check_code(code, limit=80)
    if Cleanup.objects.filter(code=code).exists():
        raise RuleError(E_CODE_TAKEN, code=code)
    cleanup = Cleanup.objects.create(
        organization=organization,
        code=code,
        name=name,
        started_on=started_on,
        target=fraction_text(share),
    )
    audit_log(
        actor=actor.name,
        action="registry.cleanup.created",
        obj=cleanup,
        data={"code": code, "started_on": started_on.isoformat(), "target": cleanup.target},
    )
    return cleanup


@transaction.atomic
def unit_add(*, cleanup: Cleanup, code: str, name: str, actor: Actor) -> RegisteringUnit:
    access.check_run(actor, cleanup)
    code = rules.check_code(code)
    if cleanup.units.filter(code=code).exists():
        raise RuleError(E_UNIT_EXISTS, code=code)
    unit = RegisteringUnit.objects.create(cleanup=cleanup, code=code, name=name)
    audit_log(
        actor=actor.name,
        action="registry.unit.added",
        obj=unit,
        data={"cleanup": cleanup.code, "code": code, "name": name},
    )
    return unit


@transaction.atomic
def unit_member_add(*, unit: RegisteringUnit, username: str, actor: Actor) -> UnitMember:
    access.check_run(actor, unit.cleanup)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise RuleError(E_NO_USER, username=username)
    if UnitMember.objects.filter(user=user, unit=unit).exists():
        raise RuleError(E_MEMBER_EXISTS, username=username, unit=unit.name)
    member = UnitMember.objects.create(user=user, unit=unit)
    audit_log(
        actor=actor.name,
        action="registry.unit.member_added",
        obj=unit,
        data={"unit": unit.code, "user": username},
    )
    return member


def _open(cleanup: Cleanup) -> Cleanup:
    """The clean-up, locked against a concurrent round change; refused once published."""
    locked = Cleanup.objects.select_for_update().get(pk=cleanup.pk)
    if locked.round == Round.PUBLISHED:
        raise RuleError(E_CLOSED)
    return locked


def _create(cleanup: Cleanup, unit: RegisteringUnit, spec: ProjectSpec, actor: str) -> Project:
    if Project.objects.filter(cleanup=cleanup, unit=unit, name=spec.name).exists():
        raise RuleError(E_PROJECT_EXISTS, unit=unit.name, name=spec.name)
    flags = rules.new_project_flags(
        established_on=spec.established_on,
        cleanup_started_on=cleanup.started_on,
        current_round=cleanup.round,
    )
    return Project.objects.create(
        cleanup=cleanup,
        unit=unit,
        flags=flags,
        registered_round=cleanup.round,
        registered_by=actor,
        **asdict(spec),
    )


def project_register(
    *, cleanup: Cleanup, unit: RegisteringUnit, spec: ProjectSpec, actor: Actor
) -> Project:
    """Registers one project; one registered while the clean-up runs is flagged, not refused:
    the office must see it (seed 000: no new project may start during the clean-up)."""
    return projects_import(cleanup=cleanup, unit=unit, specs=[spec], actor=actor)[0]


def projects_import(
    *, cleanup: Cleanup, unit: RegisteringUnit, specs: Sequence[ProjectSpec], actor: Actor
) -> list[Project]:
    """Registers every project of a registration form, or none of them."""
    access.check_register(actor, unit)
    with transaction.atomic():
        locked = _open(cleanup)
        projects = [_create(locked, unit, spec, actor.name) for spec in specs]
        for project in projects:
            audit_log(
                actor=actor.name,
                action="registry.project.registered",
                obj=project,
                data={
                    "cleanup": locked.code,
                    "unit": unit.code,
                    "name": project.name,
                    "round": locked.round,
                    "flags": project.flags,
                },
            )
    return projects


@dataclass(frozen=True)
class DecisionRow:
    """A row of the self-check statistics table, by project id (registry/files.py)."""

    where: Where  # the row, at its decision column: where a refused decision is reported
    project: int
    decision: str
    reason: str
    merge_into: int | None
    money_saved: Decimal | None


@dataclass(frozen=True)
class DecisionSpec:
    project: Project
    decision: str
    reason: str = ""
    merge_into: Project | None = None
    money_saved: Decimal | None = None


def _decide(locked: Cleanup, spec: DecisionSpec, actor: str, now: dt.datetime) -> ProjectDecision:
    project = spec.project
    if project.exclusion:
        raise RuleError(rules.E_EXCLUDED, project=project.name)
    if spec.merge_into is not None and spec.merge_into.cleanup_id != locked.pk:
        raise RuleError(E_OTHER_CLEANUP)
    if spec.merge_into is not None and spec.merge_into.exclusion:
        raise RuleError(rules.E_MERGE_TARGET_GONE, target=spec.merge_into.name)
    suggestion = cleanup_suggestions(locked)[project.pk]
    target = spec.merge_into.pk if spec.merge_into is not None else None
    target_decision = effective_decisions(locked).get(target, ("", None))[0] if target else ""
    differs = rules.check_decision(
        project=project.pk,
        decision=spec.decision,
        suggestion=suggestion,
        reason=spec.reason,
        merge_into=target,
        target_decision=target_decision or None,
    )
    before = ProjectDecision.objects.filter(project=project, round=locked.round).first()
    decision, _ = ProjectDecision.objects.update_or_create(
        project=project,
        round=locked.round,
        defaults={
            "decision": spec.decision,
            "merge_into": spec.merge_into,
            "reason": spec.reason.strip(),
            "suggested": suggestion.decision,
            "suggested_rules": list(suggestion.rules),
            "differs": differs,
            "decided_by": actor,
            "decided_at": now,
        },
    )
    if spec.money_saved is not None:
        project.money_saved = spec.money_saved
        project.save(update_fields=["money_saved"])
    audit_log(
        actor=actor,
        action="registry.project.decided",
        obj=project,
        data={
            "round": locked.round,
            "decision": spec.decision,
            "merge_into": target,
            "reason": decision.reason,
            "suggested": suggestion.decision,
            "rules": list(suggestion.rules),
            "differs": differs,
            "before": before.decision if before else None,
            "money_saved": str(spec.money_saved) if spec.money_saved is not None else None,
        },
        now=now,
    )
    return decision


def project_decide(
    *,
    project: Project,
    decision: str,
    reason: str = "",
    merge_into: Project | None = None,
    money_saved: Decimal | None = None,
    actor: Actor,
    now: dt.datetime | None = None,
) -> ProjectDecision:
    """Records the current round's decision on a project (a second one replaces the first,
    both audited). Differing from the rules' suggestion needs a reason."""
    return decisions_record(
        cleanup=project.cleanup,
        specs=[DecisionSpec(project, decision, reason, merge_into, money_saved)],
        actor=actor,
        now=now,
    )[0]


def decisions_record(
    *,
    cleanup: Cleanup,
    specs: Sequence[DecisionSpec],
    actor: Actor,
    now: dt.datetime | None = None,
    wheres: Sequence[Where] | None = None,
) -> list[ProjectDecision]:
    """Records several decisions of the current round (a self-check table), all or none.

    With ``wheres`` (one place a spec, from a file), every refused decision is reported at its
    place in one InputError; without, the first refusal is raised as it is.
    """
    moment = now or timezone.now()
    with transaction.atomic():
        locked = _open(cleanup)
        access.check_decide(actor, locked, [spec.project for spec in specs])
        rules.check_deciding(locked.round)
        recorded: list[ProjectDecision] = []
        problems: list[Problem] = []
        for n, spec in enumerate(specs):
            try:
                with transaction.atomic():
                    recorded.append(_decide(locked, spec, actor.name, moment))
            except RuleError as exc:
                if wheres is None:
                    raise
                problems.append(Problem(wheres[n], exc.template, exc.params))
        if problems:
            raise InputError(problems)
        return recorded


def decisions_import(
    *, cleanup: Cleanup, rows: Sequence[DecisionRow], actor: Actor
) -> list[ProjectDecision]:
    """A unit's self-check table: every row's decision, or none (each refusal at its row)."""
    projects = {p.pk: p for p in cleanup.projects.all()}
    specs = [
        DecisionSpec(
            projects[row.project],
            row.decision,
            row.reason,
            projects[row.merge_into] if row.merge_into is not None else None,
            row.money_saved,
        )
        for row in rows
    ]
    return decisions_record(
        cleanup=cleanup, specs=specs, actor=actor, wheres=[row.where for row in rows]
    )


def cleanup_advance(
    *,
    cleanup: Cleanup,
    target: str,
    actor: Actor,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Cleanup:
    """Moves to the next round. Refuses a skip, a round left with undecided projects, a
    publication where a merged project's target is not kept, and a publication below the
    reduction target without ``reason`` (kept with the list, audited, printed with it)."""
    access.check_run(actor, cleanup)
    moment = now or timezone.now()
    with transaction.atomic():
        locked = Cleanup.objects.select_for_update().get(pk=cleanup.pk)
        rules.check_round_transition(
            locked.round, target, undecided=undecided_in_round(locked, locked.round)
        )
        data: dict[str, object] = {"from": locked.round, "to": target}
        if target == rules.PUBLISHED:
            rules.check_merge_targets(
                effective_decisions(locked), dict(locked.projects.values_list("pk", "name"))
            )
            rate = cleanup_stats(locked).total.reduction_rate
            below = rules.check_publication(rate, Fraction(locked.target), reason)
            locked.published_at = moment
            locked.publish_reason = reason.strip() if below else ""
            data |= {
                "reduction_rate": str(rate) if rate is not None else "",
                "target": locked.target,
                "below_target": below,
                "reason": locked.publish_reason,
            }
        locked.round = target
        locked.save(update_fields=["round", "published_at", "publish_reason"])
        audit_log(
            actor=actor.name, action="registry.cleanup.advanced", obj=locked, data=data, now=moment
        )
    cleanup.round, cleanup.published_at = locked.round, locked.published_at
    cleanup.publish_reason = locked.publish_reason
    return cleanup


# One service per move of seed 000's rounds (the pages and the API pass the round by name).


def cleanup_start_initial_audit(*, cleanup: Cleanup, actor: Actor) -> Cleanup:
    """自查自纠 → 初步审核: every project has its unit's proposal."""
    return cleanup_advance(cleanup=cleanup, target=rules.INITIAL_AUDIT, actor=actor)


def cleanup_start_joint_meeting(*, cleanup: Cleanup, actor: Actor) -> Cleanup:
    """初步审核 → 联席会议审议: every project has the office's initial opinion."""
    return cleanup_advance(cleanup=cleanup, target=rules.JOINT_MEETING, actor=actor)


def cleanup_start_higher_adjustment(*, cleanup: Cleanup, actor: Actor) -> Cleanup:
    """联席会议审议 → 上级调整: the joint meeting decided every project."""
    return cleanup_advance(cleanup=cleanup, target=rules.HIGHER_ADJUSTMENT, actor=actor)


def cleanup_publish(
    *, cleanup: Cleanup, actor: Actor, reason: str = "", now: dt.datetime | None = None
) -> Cleanup:
    """上级调整 → 公示: the kept list goes on the public page; no change after this."""
    return cleanup_advance(
        cleanup=cleanup, target=rules.PUBLISHED, actor=actor, reason=reason, now=now
    )


# --------------------------------------------------------------------------- deadlines


@transaction.atomic
def schedule_set(*, cleanup: Cleanup, changes: Mapping[str, dt.date], actor: Actor) -> Cleanup:
    """The office's own deadline for some rounds (seed 000's dates fill the others)."""
    access.check_run(actor, cleanup)
    locked = Cleanup.objects.select_for_update().get(pk=cleanup.pk)
    before = dict(locked.schedule)
    locked.schedule = schedule_rules.checked_deadlines(locked.started_on.year, before, changes)
    locked.save(update_fields=["schedule"])
    audit_log(
        actor=actor.name,
        action="registry.schedule.set",
        obj=locked,
        data={"before": before, "after": locked.schedule},
    )
    cleanup.schedule = locked.schedule
    return cleanup


# --------------------------------------------------------------------------- bulk decisions


def _carried(project: Project, current: str) -> DecisionSpec:
    """The project's latest decision of a round before ``current``, as a spec again."""
    earlier = rules.DECIDING_ROUNDS[: rules.DECIDING_ROUNDS.index(current)]
    found = {d.round: d for d in project.decisions.filter(round__in=earlier)}
    for name in reversed(earlier):
        if name in found:
            d = found[name]
            return DecisionSpec(project, d.decision, d.reason, d.merge_into)
    raise RuleError(E_NO_PREVIOUS)


def decisions_bulk(
    *,
    cleanup: Cleanup,
    projects: Sequence[Project],
    decision: str,
    reason: str = "",
    merge_into: Project | None = None,
    actor: Actor,
    now: dt.datetime | None = None,
) -> list[ProjectDecision]:
    """One decision (keep, merge into one project, cancel, or ``carry_over``: each project's
    latest earlier decision) for many projects of the current round, with one reason; all or
    none, every refusal named by its project. Each project's decision is audited as one
    alone would be, and the bulk action once more with the list."""
    if not projects:
        raise RuleError(E_NO_PROJECTS)
    moment = now or timezone.now()
    with transaction.atomic():
        locked = _open(cleanup)
        access.check_decide(actor, locked, projects)
        rules.check_deciding(locked.round)
        recorded: list[ProjectDecision] = []
        problems: list[Problem] = []
        for project in projects:
            try:
                with transaction.atomic():
                    if decision == CARRY_OVER:
                        spec = _carried(project, locked.round)
                    else:
                        spec = DecisionSpec(project, decision, reason, merge_into)
                    recorded.append(_decide(locked, spec, actor.name, moment))
            except RuleError as exc:
                problems.append(Problem(Where(file=project.name), exc.template, exc.params))
        if problems:
            raise InputError(problems)
        audit_log(
            actor=actor.name,
            action="registry.project.bulk_decided",
            obj=locked,
            data={
                "round": locked.round,
                "decision": decision,
                "reason": reason.strip(),
                "merge_into": merge_into.pk if merge_into is not None else None,
                "projects": [p.pk for p in projects],
            },
            now=moment,
        )
        return recorded


# --------------------------------------------------------------------------- scope


def project_exclude(*, project: Project, reason: str, note: str = "", actor: Actor) -> Project:
    """Leaves a project out of the clean-up (seed 000: staff assessments, purely professional
    ratings…): listed with its reason, not decided, not counted."""
    rules.check_exclusion(reason, note)
    with transaction.atomic():
        access.check_decide(actor, _open(project.cleanup), [project])
        project.exclusion, project.exclusion_note = reason, note.strip()
        project.excluded_by = actor.name
        project.save(update_fields=["exclusion", "exclusion_note", "excluded_by"])
        audit_log(
            actor=actor.name,
            action="registry.project.excluded",
            obj=project,
            data={"reason": reason, "note": project.exclusion_note},
        )
    return project


def project_include(*, project: Project, actor: Actor) -> Project:
    """Takes a project left out back into the clean-up (it then needs its decisions)."""
    with transaction.atomic():
        access.check_decide(actor, _open(project.cleanup), [project])
        if not project.exclusion:
            raise RuleError(E_NOT_EXCLUDED, project=project.name)
        before = project.exclusion
        project.exclusion, project.exclusion_note, project.excluded_by = "", "", ""
        project.save(update_fields=["exclusion", "exclusion_note", "excluded_by"])
        audit_log(
            actor=actor.name,
            action="registry.project.included",
            obj=project,
            data={"before": before},
        )
    return project


# --------------------------------------------------------------------------- basis documents


def basis_document_add(
    *,
    project: Project,
    title: str,
    issuer: str,
    number: str = "",
    upload: evidence.Upload | None = None,
    actor: Actor,
    now: dt.datetime | None = None,
) -> BasisDocument:
    """A document the project rests on (seed 000: "对需要保留的项目…提供相关文件依据"); the
    file, if any, checked like evidence (PDF, PNG, JPEG; content by its first bytes)."""
    access.check_register(actor, project.unit)
    if not title.strip() or not issuer.strip():
        raise RuleError(E_DOCUMENT)
    checked = evidence.check([upload]) if upload is not None else []
    stored = [evidence.store(f) for f in checked]
    try:
        with transaction.atomic():
            _open(project.cleanup)
            document = BasisDocument.objects.create(
                project=project,
                title=title.strip(),
                number=number.strip(),
                issuer=issuer.strip(),
                stored_name=stored[0] if stored else "",
                original_name=checked[0].original_name if checked else "",
                content_type=checked[0].content_type if checked else "",
                sha256=checked[0].sha256 if checked else "",
                added_by=actor.name,
                added_at=now or timezone.now(),
            )
            audit_log(
                actor=actor.name,
                action="registry.basis.added",
                obj=project,
                data={
                    "document": document.pk,
                    "title": document.title,
                    "number": document.number,
                    "issuer": document.issuer,
                    "sha256": document.sha256,
                },
            )
    except BaseException:
        evidence.remove(stored)
        raise
    return document


def basis_document_remove(*, document: BasisDocument, actor: Actor) -> None:
    access.check_register(actor, document.project.unit)
    with transaction.atomic():
        _open(document.project.cleanup)
        stored = document.stored_name
        audit_log(
            actor=actor.name,
            action="registry.basis.removed",
            obj=document.project,
            data={"document": document.pk, "title": document.title, "number": document.number},
        )
        document.delete()
        if stored:
            transaction.on_commit(lambda: evidence.remove([stored]))
