"""Reads about clean-ups for pages, the API and the CLI, and who may see what (R17).

Three kinds of reader: the office (a Membership of the clean-up's organization: admin and
staff run it, viewers read it), a registering unit's member (sees and registers only that
unit's projects), and the public (the kept list, once published). Anyone else finds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db.models import Count, Q, QuerySet

from pingyi.accounts.selectors import READ, AnyUser
from pingyi.registry.access import Access
from pingyi.registry.models import Cleanup, Project, ProjectDecision, RegisteringUnit, Round
from pingyi.rules import registry as rules
from pingyi.rules import registry_schedule as schedule_rules
from pingyi.rules.errors import RuleError, gettext_noop

E_NO_CLEANUP = gettext_noop("no clean-up %(code)r")
E_NO_UNIT = gettext_noop("the clean-up has no registering unit %(code)r")


def cleanups_for(user: AnyUser) -> QuerySet[Cleanup]:
    """The clean-ups a user sees: those of the office's organizations and of their units."""
    if not user.is_authenticated:
        return Cleanup.objects.none()
    return (
        Cleanup.objects.select_related("organization")
        .filter(
            Q(organization__memberships__user_id=user.pk, organization__memberships__role__in=READ)
            | Q(units__members__user_id=user.pk)
        )
        .distinct()
    )


def cleanup_get(*, code: str) -> Cleanup:
    cleanup = Cleanup.objects.select_related("organization").filter(code=code).first()
    if cleanup is None:
        raise RuleError(E_NO_CLEANUP, code=code)
    return cleanup


def unit_get(*, cleanup: Cleanup, code: str) -> RegisteringUnit:
    unit = cleanup.units.filter(code=code).first()
    if unit is None:
        raise RuleError(E_NO_UNIT, code=code)
    return unit


def names_of(unit: RegisteringUnit) -> dict[str, int]:
    """The unit's projects by name (a unit registers a name once)."""
    return dict(unit.projects.values_list("name", "pk"))


def merge_targets(cleanup: Cleanup) -> dict[str, list[int]]:
    """Every project of the clean-up by name; two units may have used the same name."""
    targets: dict[str, list[int]] = {}
    for name, pk in cleanup.projects.values_list("name", "pk"):
        targets.setdefault(name, []).append(pk)
    return targets


def projects_for(cleanup: Cleanup, access: Access) -> QuerySet[Project]:
    projects = cleanup.projects.select_related("unit").order_by("id")
    return projects if access.read_all else projects.filter(unit_id__in=access.units)


OUT_OF_SCOPE = rules.Suggestion("", ())


def cleanup_suggestions(cleanup: Cleanup) -> dict[Hashable, rules.Suggestion]:
    """The rules' suggestion for every project (the duplicate rule looks at all of those in
    scope; one out of scope has none)."""
    projects = list(cleanup.projects.all())
    found = rules.suggest_all(p.facts() for p in projects if not p.exclusion)
    return {p.pk: found.get(p.pk, OUT_OF_SCOPE) for p in projects}


@dataclass
class ProjectRow:
    """A project with its suggestion, its decision in each round and its effective one."""

    project: Project
    suggestion: rules.Suggestion
    by_round: dict[str, ProjectDecision] = field(default_factory=dict)

    @property
    def decision(self) -> ProjectDecision | None:
        for name in reversed(rules.DECIDING_ROUNDS):
            if name in self.by_round:
                return self.by_round[name]
        return None

    @property
    def effective(self) -> str:
        return self.decision.decision if self.decision else ""

    @property
    def suggestion_texts(self) -> list[str]:
        return [rules.RULE_TEXTS[r] for r in self.suggestion.rules]


def project_rows(cleanup: Cleanup, access: Access) -> list[ProjectRow]:
    """Every project the reader may see, in registration order (three queries in all)."""
    suggestions = cleanup_suggestions(cleanup)
    projects = list(projects_for(cleanup, access).prefetch_related("documents"))
    rows = {p.pk: ProjectRow(p, suggestions[p.pk]) for p in projects}
    decisions = ProjectDecision.objects.filter(project__in=projects).select_related("merge_into")
    for decision in decisions:
        rows[decision.project_id].by_round[decision.round] = decision
    return list(rows.values())


def project_row(cleanup: Cleanup, project: Project) -> ProjectRow:
    row = ProjectRow(project, cleanup_suggestions(cleanup)[project.pk])
    for decision in project.decisions.select_related("merge_into"):
        row.by_round[decision.round] = decision
    return row


def undecided_in_round(cleanup: Cleanup, round_name: str) -> int:
    """Projects in scope without a decision in the round."""
    return cleanup.projects.filter(exclusion="").exclude(decisions__round=round_name).count()


def effective_decisions(cleanup: Cleanup) -> dict[Hashable, tuple[str, Hashable | None]]:
    """Each project's decision of the latest round that decided it, with its merge target.
    A project out of scope is not there: nothing may merge into it."""
    by_project: dict[Hashable, dict[str, tuple[str, Hashable | None]]] = {
        pk: {} for pk in cleanup.projects.filter(exclusion="").values_list("pk", flat=True)
    }
    for project_id, round_name, decision, target in ProjectDecision.objects.filter(
        project__cleanup=cleanup, project__exclusion=""
    ).values_list("project_id", "round", "decision", "merge_into_id"):
        by_project[project_id][round_name] = (decision, target)
    return {pk: rules.effective(rounds) for pk, rounds in by_project.items()}


@dataclass(frozen=True)
class Stats:
    units: list[tuple[RegisteringUnit, rules.Tally]]
    total: rules.Tally


def cleanup_stats(cleanup: Cleanup) -> Stats:
    """Registered, kept, merged, cancelled, suspended and flagged per unit and in total."""
    decisions = effective_decisions(cleanup)
    outcomes = [
        rules.ProjectOutcome(
            group=str(p.unit_id),
            decision=decisions.get(p.pk, ("", None))[0],
            suspended=rules.is_suspended(p.basis_kind, cleanup.round),
            flagged=bool(p.flags),
            money_saved=p.money_saved,
            excluded=bool(p.exclusion),
        )
        for p in cleanup.projects.order_by("id")
    ]
    target = Fraction(cleanup.target)
    groups, total = rules.tally(outcomes, target=target)
    units = [
        (unit, groups.get(str(unit.pk), rules.Tally(target=target)))
        for unit in cleanup.units.order_by("code")
    ]
    return Stats(units, total)


def kept_projects(cleanup: Cleanup) -> list[Project]:
    """The kept list (保留项目), in registration order."""
    decisions = effective_decisions(cleanup)
    kept = [int(str(pk)) for pk, (decision, _) in decisions.items() if decision == rules.KEEP]
    return list(
        cleanup.projects.filter(pk__in=kept)
        .select_related("unit")
        .prefetch_related("documents")
        .order_by("id")
    )


def published_cleanups() -> QuerySet[Cleanup]:
    return Cleanup.objects.select_related("organization").filter(round=Round.PUBLISHED)


def tally_figures(tally: rules.Tally) -> dict[str, Any]:
    """A unit's (or the total's) figures as the API and `pingyi registry stats --json` give
    them, built once: the exact rate as a fraction ("7/10"), "" when nothing was registered."""
    rate = tally.reduction_rate
    return {
        "registered": tally.registered,
        "excluded": tally.excluded,
        "kept": tally.kept,
        "merged": tally.merged,
        "cancelled": tally.cancelled,
        "undecided": tally.undecided,
        "suspended": tally.suspended,
        "flagged": tally.flagged,
        "reduction_rate": str(rate) if rate is not None else "",
        "reduction_percent": rules.percent_text(rate),
        "target_met": tally.target_met,
        "money_saved": str(tally.money_saved),
    }


def stats_figures(cleanup: Cleanup) -> dict[str, Any]:
    """The clean-up's statistics, per unit and in total, for every door."""
    stats = cleanup_stats(cleanup)
    return {
        "cleanup": cleanup.code,
        "round": cleanup.round,
        "target": cleanup.target,
        "publish_reason": cleanup.publish_reason,
        "units": [{"unit": u.code, **tally_figures(t)} for u, t in stats.units],
        "total": {"unit": "", **tally_figures(stats.total)},
    }


@dataclass(frozen=True)
class DeadlineLine:
    deadline: schedule_rules.Deadline
    state: str  # done, overdue, due, upcoming
    waiting: tuple[str, ...] = ()  # the units that have not filed their self-check tables


def units_not_filed(cleanup: Cleanup) -> list[RegisteringUnit]:
    """The units that have not filed their self-check tables: no project in scope, or one
    without the unit's self-check proposal (one query)."""
    in_scope = Q(projects__exclusion="")
    units = cleanup.units.order_by("code").annotate(
        registered=Count("projects", distinct=True),
        n=Count("projects", filter=in_scope, distinct=True),
        decided=Count(
            "projects",
            filter=in_scope & Q(projects__decisions__round=rules.SELF_CHECK),
            distinct=True,
        ),
    )
    return [
        u
        for u in units
        if not schedule_rules.unit_filed(registered=u.registered, in_scope=u.n, decided=u.decided)
    ]


def cleanup_deadlines(cleanup: Cleanup, today: dt.date) -> list[DeadlineLine]:
    """Every round's deadline and where it stands on ``today``; the self-check's line names
    the units that have not filed while it is open."""
    lines = []
    for deadline in schedule_rules.deadlines_of(cleanup.started_on.year, cleanup.schedule):
        state = schedule_rules.deadline_state(deadline, current_round=cleanup.round, today=today)
        waiting: tuple[str, ...] = ()
        if deadline.key == rules.SELF_CHECK and state != schedule_rules.DONE:
            waiting = tuple(u.name for u in units_not_filed(cleanup))
        lines.append(DeadlineLine(deadline, state, waiting))
    return lines


def deadline_figures(cleanup: Cleanup, today: dt.date) -> list[dict[str, Any]]:
    """The deadlines as the API and `pingyi registry deadlines --json` give them."""
    return [
        {
            "round": line.deadline.key,
            "due": line.deadline.due.isoformat(),
            "state": line.state,
            "waiting": list(line.waiting),
        }
        for line in cleanup_deadlines(cleanup, today)
    ]
