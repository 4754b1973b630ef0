"""Reads about disclosure items, and who may read them (R17).

Staff pages: the items of the organizations where the user has a role. Reading pages: a
published item's versions, to anyone when it is public (external, or internal-then-external
once opened), else only to signed-in members of its organization; anyone else finds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pingyi.accounts.models import Organization
from pingyi.accounts.selectors import READ, AnyUser, organizations_for, role_in
from pingyi.disclosure.models import (
    Feedback,
    Item,
    Opinion,
    Phase,
    Remark,
    Status,
    Supervisor,
    Version,
)
from pingyi.rules import disclosure as rules
from pingyi.rules.errors import RuleError


def items_for(user: AnyUser, roles: tuple[str, ...] = READ) -> QuerySet[Item]:
    """The items of the organizations where ``user`` has one of ``roles`` (staff pages)."""
    return Item.objects.select_related("organization").filter(
        organization__in=organizations_for(user, roles)
    )


def organizations_of(user: AnyUser) -> QuerySet[Organization]:
    """Where ``user`` has a role (the service decides what the role allows)."""
    return organizations_for(user, READ)


def items_listed(user: AnyUser) -> list[tuple[Item, int]]:
    """The API's list: ``items_for`` with each item's number of published versions, counted
    in the same query, and their phases in one more."""
    counted = (
        items_for(user)
        .annotate(version_count=Count("versions"))
        .prefetch_related("phases")
        .order_by("id")
    )
    return [(item, item.version_count) for item in counted]


def is_member(user: AnyUser, organization: Organization) -> bool:
    return role_in(user, organization) is not None


def chain_steps(item: Item) -> list[tuple[str, str]]:
    """(status, actor) of the chain under way: the steps since the last publication."""
    steps = list(item.steps.order_by("id").values_list("status", "actor"))
    last = max((n for n, (status, _) in enumerate(steps) if status == Status.PUBLISHED), default=-1)
    return steps[last + 1 :]


def step_refusal(item: Item, actor: str) -> str | None:
    """The separation-of-duties refusal ``actor`` would meet recording the item's next step
    (translated), or None: for the page to say so before the button is pressed. The service
    checks it again when the step is recorded."""
    target = rules.next_status(item.scope, item.status)
    if target is None:
        return None
    try:
        rules.check_separation(
            current=item.status, target=target, steps=chain_steps(item), actor=actor
        )
    except RuleError as exc:
        return exc.message(_)
    return None


def supervisor_of(
    user: AnyUser, organization: Organization, today: dt.date | None = None
) -> Supervisor | None:
    """``user``'s serving appointment as a supervisor of ``organization``, if any."""
    if not user.is_authenticated:
        return None
    day = today or timezone.localdate()
    return (
        Supervisor.objects.select_related("organization")
        .filter(organization=organization, user_id=user.pk, term_start__lte=day, term_end__gte=day)
        .first()
    )


def insider(user: AnyUser, organization: Organization) -> bool:
    """Members read the internal items; so do the organization's serving supervisors."""
    return is_member(user, organization) or supervisor_of(user, organization) is not None


def readable_items(user: AnyUser, organization: Organization) -> QuerySet[Item]:
    """Items with a published version that ``user`` may read, newest publication first."""
    items = Item.objects.filter(organization=organization, versions__isnull=False).distinct()
    if insider(user, organization):
        return items.order_by("-last_published_on", "-id")
    public = items.filter(scope=rules.EXTERNAL) | items.filter(
        scope=rules.INTERNAL_THEN_EXTERNAL, released_at__isnull=False
    )
    return public.order_by("-last_published_on", "-id")


def readable_item(user: AnyUser, organization: Organization, pk: int) -> Item | None:
    return readable_items(user, organization).filter(pk=pk).first()


def versions(item: Item) -> list[Version]:
    return list(item.versions.order_by("-number"))


def latest_readable(user: AnyUser, organization: Organization) -> list[tuple[Item, Version]]:
    """Each item ``user`` may read with its latest version (the public list of the API): the
    versions of them all in one query beside the items'."""
    newest = Prefetch(
        "versions",
        queryset=Version.objects.select_related("phase").order_by("-number"),
        to_attr="newest",
    )
    items = readable_items(user, organization).prefetch_related(newest)
    return [(item, item.newest[0]) for item in items if item.newest]


def feedback_for(item: Item) -> QuerySet[Feedback]:
    return item.feedback.order_by("-created_at")


def answered_feedback(item: Item) -> QuerySet[Feedback]:
    """What readers asked and the answers, for the item's readers: text and answer only —
    the page never shows who asked or their contact."""
    return item.feedback.filter(answered_at__isnull=False).order_by("-answered_at")


@dataclass(frozen=True)
class CalendarRow:
    item: Item
    entry: rules.CalendarEntry


def calendar_for(items: QuerySet[Item], today: dt.date) -> tuple[dt.date, list[CalendarRow]]:
    """The next disclosure day and what is due by it (overdue first), for these items."""
    listed: dict[Hashable, Item] = {i.pk: i for i in items}
    day, entries = rules.calendar(
        [
            (i.pk, i.timeliness, i.status, i.created_on, i.last_published_on)
            for i in listed.values()
        ],
        today,
    )
    return day, [CalendarRow(listed[e.key], e) for e in entries]


def open_feedback_count(items: QuerySet[Item]) -> int:
    return Feedback.objects.filter(item__in=items, answered_at__isnull=True).count()


def open_opinion_count(user: AnyUser) -> int:
    return opinions_for(user).filter(answered_at__isnull=True).count()


def item_counts(items: QuerySet[Item]) -> dict[str, int]:
    return {status: items.filter(status=status).count() for status in Status.values}


def feedback_by_code(organization: Organization, code: str) -> Feedback | None:
    """The feedback left on this organization's items under a tracking code, or None."""
    if not rules.tracking_plausible(code):
        return None
    return (
        Feedback.objects.select_related("item")
        .filter(item__organization=organization, tracking=rules.tracking_digest(code))
        .first()
    )


@dataclass(frozen=True)
class Tracked:
    """What a tracking code opens: the writer's text and the answer. ``item`` is None for a
    letter to the opinion box. Never who answered, never the contact."""

    item: str | None
    text: str
    created_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None


def tracked_by_code(organization: Organization, code: str) -> Tracked | None:
    """Feedback on one of the organization's items, or a letter to its opinion box."""
    if not rules.tracking_plausible(code):
        return None
    feedback = feedback_by_code(organization, code)
    if feedback is not None:
        return Tracked(
            feedback.item.title,
            feedback.text,
            feedback.created_at,
            feedback.answer,
            feedback.answered_at,
        )
    opinion = Opinion.objects.filter(
        organization=organization, tracking=rules.tracking_digest(code)
    ).first()
    if opinion is None:
        return None
    return Tracked(None, opinion.text, opinion.created_at, opinion.answer, opinion.answered_at)


def opinions_for(user: AnyUser) -> QuerySet[Opinion]:
    """The opinion-box letters of the organizations where ``user`` has a role, open first."""
    return (
        Opinion.objects.select_related("organization")
        .filter(organization__in=organizations_for(user, READ))
        .order_by(F("answered_at").asc(nulls_first=True), "-created_at")
    )


# --------------------------------------------------------------------------- phases


@dataclass(frozen=True)
class PhaseRow:
    """A phase of a staged item as readers see it: its latest published version (None while
    not published) and the day it was first published."""

    phase: Phase
    version: Version | None
    first_published: dt.datetime | None


def phase_rows(item: Item, versions: list[Version]) -> list[PhaseRow]:
    """The item's phases in order, from its ``versions`` (newest first, as ``versions``
    gives them): one query for the phases, none per phase."""
    rows = []
    for phase in item.phases.order_by("number"):
        own = [v for v in versions if v.phase_id == phase.pk]
        first = min((v.published_at for v in own), default=None)
        rows.append(PhaseRow(phase, own[0] if own else None, first))
    return rows


def current_phase(item: Item) -> Phase | None:
    return item.phases.filter(number=item.phase).first() if item.phase else None


# --------------------------------------------------------------------------- the register


def register(organization: Organization) -> QuerySet[Item]:
    """Every item of the organization, with its phases, for the register (台账): the office,
    its supervisors, the command line."""
    return (
        Item.objects.filter(organization=organization)
        .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("number")))
        .order_by("-created_on", "-id")
    )


# --------------------------------------------------------------------------- supervisors


def serving_supervisors(organization: Organization, today: dt.date) -> QuerySet[Supervisor]:
    """The supervisors serving on ``today``, listed on the public page (no account shown)."""
    return Supervisor.objects.filter(
        organization=organization, term_start__lte=today, term_end__gte=today
    ).order_by("name", "id")


def supervisors_for(user: AnyUser) -> QuerySet[Supervisor]:
    """The supervisors of the organizations where ``user`` has a role, latest terms first."""
    return Supervisor.objects.select_related("organization", "user").filter(
        organization__in=organizations_for(user, READ)
    )


def supervisions(user: AnyUser, today: dt.date) -> QuerySet[Supervisor]:
    """Where ``user`` serves as a supervisor on ``today``."""
    if not user.is_authenticated:
        return Supervisor.objects.none()
    return Supervisor.objects.select_related("organization").filter(
        user_id=user.pk, term_start__lte=today, term_end__gte=today
    )


def remarks_for(user: AnyUser) -> QuerySet[Remark]:
    """The supervisors' remarks to the organizations where ``user`` has a role, open first."""
    return (
        Remark.objects.select_related("supervisor__organization", "item")
        .filter(supervisor__organization__in=organizations_for(user, READ))
        .order_by(F("answered_at").asc(nulls_first=True), "-created_at")
    )


def remarks_of(supervisor: Supervisor) -> QuerySet[Remark]:
    """A supervisor's own remarks, open first: what they follow up."""
    return (
        Remark.objects.select_related("item")
        .filter(supervisor=supervisor)
        .order_by(F("answered_at").asc(nulls_first=True), "-created_at")
    )


def remarks_seen_by(user: AnyUser) -> QuerySet[Remark]:
    """The remarks to the organizations where ``user`` has a role, and their own remarks as a
    supervisor (the API's list)."""
    if not user.is_authenticated:
        return Remark.objects.none()
    return (
        Remark.objects.select_related("supervisor__organization", "item")
        .filter(
            Q(supervisor__organization__in=organizations_for(user, READ))
            | Q(supervisor__user_id=user.pk)
        )
        .order_by(F("answered_at").asc(nulls_first=True), "-created_at")
    )
