"""The ledger's e-mail digest: items overdue or due within 7 days, to owners and supervisors.

Who gets what: each unit owner (UnitAccess role owner) the items of their unit's open plans;
each admin or staff member of the supervising office the items of all its open plans. People
without an e-mail address get nothing. The messages leave through Django's e-mail backend
(the console by default) only after the transaction that records the digest has committed.
Each item links to its plan under the office's public address, when one is set (R27).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership
from pingyi.accounts.selectors import RUN, PublicAddress, public_address
from pingyi.audit.services import audit_log
from pingyi.rectification.access import check_digest
from pingyi.rectification.models import Item, PlanStatus, UnitAccess, UnitRole
from pingyi.rules import ledger as rules


@dataclass
class Letter:
    email: str
    username: str
    lines: list[tuple[rules.DigestLine, Item]] = field(default_factory=list)
    # the steps of grading rounds overdue or due soon (round name, step, its end, state)
    steps: list[tuple[str, str, dt.date, str]] = field(default_factory=list)
    # the deadlines of the registry's clean-ups overdue or due soon (clean-up, round, due, state)
    cleanups: list[tuple[str, str, dt.date, str]] = field(default_factory=list)
    # the deadlines of nomination rounds overdue or due soon (round, deadline, due, state)
    nominations: list[tuple[str, str, dt.date, str]] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for line, _item in self.lines if line.overdue)


# user id → what to remind them of: (name, step or deadline, its end, state)
Reminders = dict[int, list[tuple[str, str, dt.date, str]]]
REMINDER_KINDS = ("steps", "cleanups", "nominations")  # a Letter's fields of the same names
SOURCES: dict[str, Callable[[dt.date], Reminders]] = {}


def digest_source_register(kind: str, source: Callable[[dt.date], Reminders]) -> None:
    """Another app's deadlines for the digest, from its AppConfig.ready(): the clean-ups'
    (registry), the nominating rounds' (nominations); rectification imports neither (issue
    11). The grading rounds' steps the ledger registers itself (grading sits beneath it)."""
    if kind not in REMINDER_KINDS:
        raise ValueError(f"no reminders {kind!r}")
    SOURCES[kind] = source


def _reminders(kind: str, today: dt.date) -> Reminders:
    source = SOURCES.get(kind)
    return source(today) if source is not None else {}


def _items(today: dt.date) -> dict[int, tuple[rules.DigestLine, Item]]:
    """The open plans' items a digest names, by id, overdue first then by deadline."""
    candidates = {
        item.pk: item
        for item in Item.objects.select_related("plan", "plan__organization")
        .filter(plan__status=PlanStatus.OPEN)
        .exclude(status__in=list(rules.FINISHED))
        .filter(deadline__lte=today + dt.timedelta(days=rules.DIGEST_DAYS))
    }
    lines = rules.digest_lines(
        ((i.pk, i.deadline, i.status) for i in candidates.values()), today=today
    )
    return {line.item_id: (line, candidates[line.item_id]) for line in lines}


def digest_letters(*, today: dt.date) -> list[Letter]:
    """One letter per person with an e-mail address and at least one item or grading step
    to name."""
    named = _items(today)
    steps = _reminders("steps", today)
    cleanups = _reminders("cleanups", today)
    nominations = _reminders("nominations", today)
    if not named and not steps and not cleanups and not nominations:
        return []
    by_unit: dict[tuple[int, int | None, str], list[int]] = defaultdict(list)
    by_office: dict[int, list[int]] = defaultdict(list)
    for item_id, (_line, item) in named.items():
        plan = item.plan
        by_unit[(plan.organization_id, plan.series_id, plan.unit_code)].append(item_id)
        by_office[item.plan.organization_id].append(item_id)
    wanted: dict[int, set[int]] = defaultdict(set)
    for access in UnitAccess.objects.filter(role=UnitRole.OWNER):
        unit = (access.organization_id, access.series_id, access.unit_code)
        wanted[access.user_id].update(by_unit.get(unit, []))
    for membership in Membership.objects.filter(role__in=RUN, organization_id__in=by_office):
        wanted[membership.user_id].update(by_office[membership.organization_id])
    people = list(wanted) + list(steps) + list(cleanups) + list(nominations)
    users = get_user_model().objects.filter(pk__in=people).exclude(email="")
    order = list(named)
    letters = []
    for user in users.order_by("username"):
        ids = sorted(wanted.get(user.pk, set()), key=order.index)
        if ids or steps.get(user.pk) or cleanups.get(user.pk) or nominations.get(user.pk):
            letters.append(
                Letter(
                    user.email,
                    user.get_username(),
                    [named[i] for i in ids],
                    steps.get(user.pk, []),
                    cleanups.get(user.pk, []),
                    nominations.get(user.pk, []),
                )
            )
    return letters


def _reminders_part(
    title: str,
    reminders: list[tuple[str, str, dt.date, str]],
    overdue: str,
    words: Mapping[str, str],
) -> list[str]:
    """A part of the letter after the ledger's items: under ``title``, each step or deadline
    (its round's name, key, day and state) marked overdue or due soon, then a blank line."""
    lines = [title, ""]
    for name, key, due, state in reminders:
        mark = _("OVERDUE") if state == overdue else _("due soon")
        lines.append(f"[{mark}] {name}: {_(words[key])} — {_('deadline')} {due}")
    return [*lines, ""]


def render(letter: Letter, *, today: dt.date) -> tuple[str, str]:
    """The subject and the plain-text body of one letter."""
    soon = len(letter.lines) - letter.overdue
    subject = _("Rectification ledger: %(overdue)s overdue, %(soon)s due within %(days)s days") % {
        "overdue": letter.overdue,
        "soon": soon,
        "days": rules.DIGEST_DAYS,
    }
    rows = []
    addresses: dict[int, PublicAddress] = {}
    for line, item in letter.lines:
        mark = _("OVERDUE") if line.overdue else _("due soon")
        office = item.plan.organization
        address = addresses.setdefault(office.pk, public_address(office))
        # A link only to an address people can open: never the server's own loopback.
        link = f" — {address.url}{reverse('rectification:plan', args=[item.plan.pk])}"
        rows.append(
            f"[{mark}] {item.plan.unit_name} #{item.number} {item.description[:80]}"
            f" — {_('deadline')} {item.deadline.isoformat()} — {_('owner')} {item.owner}"
            f" — {rules.STATUS_LABELS[item.status]}{link if address.usable else ''}"
        )
    intro = _("Items of the rectification ledger as of %(day)s:") % {"day": today.isoformat()}
    body = [intro, "", *rows, ""]
    if letter.steps:
        from pingyi.rules import grading_schedule as steps

        title = _("Steps of the grading rounds:")
        body += _reminders_part(title, letter.steps, steps.OVERDUE, steps.MILESTONE_WORDS)
    if letter.cleanups:
        from pingyi.rules import registry_schedule as cleanups

        title = _("Deadlines of the clean-ups of appraisal projects:")
        body += _reminders_part(title, letter.cleanups, cleanups.OVERDUE, cleanups.DEADLINE_WORDS)
    if letter.nominations:
        from pingyi.rules import nominations

        title = _("Deadlines of the nomination rounds:")
        body += _reminders_part(
            title, letter.nominations, nominations.OVERDUE, nominations.DEADLINE_WORDS
        )
    return subject, "\n".join(body)


def digest_send(*, today: dt.date, actor: Actor) -> list[Letter]:
    """Records the digest in the audit chain and sends its letters after the commit; the
    machine's operator sends it (rectification.access.check_digest)."""
    check_digest(actor)
    letters = digest_letters(today=today)
    messages = [
        EmailMessage(*render(letter, today=today), settings.DEFAULT_FROM_EMAIL, [letter.email])
        for letter in letters
    ]
    with transaction.atomic():
        audit_log(
            actor=actor.name,
            action="rectification.digest.sent",
            data={"day": today.isoformat(), "to": [letter.username for letter in letters],
                  "items": sorted({i.pk for letter in letters for _l, i in letter.lines})},
        )  # fmt: skip
        if messages:
            transaction.on_commit(lambda: mailers.default.send_messages(messages))
    return letters
