"""Reads of notices for the public page, the staff workplace, the API, exports and the CLI.

The public page of a notice costs a fixed number of queries however many units it lists:
the notice, its entries, its reviews, its public answers and the audit chain's head.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import groupby

from django.db.models import F, QuerySet

from pingyi.accounts.selectors import READ, AnyUser, campaigns_for, organizations_for
from pingyi.audit.services import audit_head
from pingyi.campaigns.models import Campaign
from pingyi.notices.models import Notice, NoticeEntry, Objection, Review
from pingyi.rules import phases
from pingyi.rules.tally import UnitResult, UnitSpec
from pingyi.voting import codes

TRACKING_LENGTH = 12  # the code an objection's filer keeps: 59 bits, typed from a note


def _fraction(text: str) -> Fraction | None:
    return Fraction(text) if text else None


def entry_results(entries: list[NoticeEntry]) -> list[UnitResult]:
    """Entries back to the tally's UnitResults, exactly (the rules decide flags on these)."""
    return [
        UnitResult(
            spec=UnitSpec(
                code=e.code,
                name=e.name,
                category=e.group,
                category_code=e.group_code,
                veto=e.veto,
            ),
            valid_ballots=e.valid_ballots or 0,
            counts=tuple(int(c) for c in e.counts),
            score=_fraction(e.score) or Fraction(0),
            mean_score=_fraction(e.mean_score),
            satisfaction_rate=_fraction(e.satisfaction_rate),
            rank=e.rank,
            flags=list(e.flags),
        )
        for e in entries
    ]


def _notices() -> QuerySet[Notice]:
    return Notice.objects.select_related("organization", "campaign")


def notices_for(user: AnyUser, roles: tuple[str, ...] = READ) -> QuerySet[Notice]:
    """The notices of the offices where ``user`` has one of ``roles`` (others: not found)."""
    return _notices().filter(organization__in=organizations_for(user, roles))


def notice_public_list() -> QuerySet[Notice]:
    return _notices().order_by("-opens_at")


def notice_public_get(code: str) -> Notice | None:
    """A notice by its public code; a NUL in a code (PostgreSQL refuses one) finds nothing."""
    if "\x00" in code:
        return None
    return _notices().filter(code=code).first()


def notice_entries(notice: Notice) -> QuerySet[NoticeEntry]:
    """Category by category in the scheme's order, each by rank (unranked last), then as
    listed."""
    return notice.entries.order_by("group_position", F("rank").asc(nulls_last=True), "position")


@dataclass(frozen=True)
class PublicNotice:
    notice: Notice
    groups: list[tuple[str, list[NoticeEntry]]]
    reviews: list[Review]
    answers: list[Objection]
    head: str
    objections: int


def notice_public_page(notice: Notice) -> PublicNotice:
    entries = list(notice_entries(notice))
    groups = [(name, list(rows)) for name, rows in groupby(entries, key=lambda e: e.group)]
    reviews = list(notice.reviews.select_related("entry").order_by("at", "id"))
    objections = list(notice.objections.select_related("entry").order_by("filed_at", "id"))
    return PublicNotice(
        notice=notice,
        groups=groups,
        reviews=reviews,
        answers=[o for o in objections if o.answered_at is not None],
        head=audit_head(),
        objections=len(objections),
    )


def objection_by_tracking(code: str) -> Objection | None:
    """The objection a tracking code was given for, or None (unknown and malformed alike)."""
    if not codes.plausible(code, TRACKING_LENGTH):
        return None
    return (
        Objection.objects.select_related("notice", "entry")
        .filter(digest=codes.digest(code))
        .first()
    )


def objection_list(notice: Notice) -> QuerySet[Objection]:
    return notice.objections.select_related("entry", "assignee").order_by("filed_at", "id")


def objection_get(notice: Notice, pk: int) -> Objection | None:
    return objection_list(notice).filter(pk=pk).first()


def campaigns_to_publish(user: AnyUser, roles: tuple[str, ...]) -> QuerySet[Campaign]:
    """Closed campaigns of the user's offices: each may go on notice."""
    return campaigns_for(user, roles).filter(status=phases.CLOSED).order_by("-year", "code")
