"""Reads about nomination rounds for pages, exports, the API and the CLI (R17 through
nominations.access): every figure a table prints is computed here, once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from pingyi.accounts.selectors import READ, AnyUser
from pingyi.nominations.access import Access
from pingyi.nominations.models import (
    NominatingUnit,
    NominationRound,
    Nominee,
    Opinion,
    Phase,
    Slate,
)
from pingyi.notices.selectors import TRACKING_LENGTH
from pingyi.rules import nominations as rules
from pingyi.rules.errors import RuleError, gettext_noop
from pingyi.rules.registry import percent_text
from pingyi.voting import codes

E_NO_ROUND = gettext_noop("no nomination round %(code)r")
E_NO_UNIT = gettext_noop("the round has no nominating unit %(code)r")


def rounds_for(user: AnyUser) -> QuerySet[NominationRound]:
    """The rounds of the offices the user reads, and of the units the user belongs to."""
    if not user.is_authenticated:
        return NominationRound.objects.none()
    return (
        NominationRound.objects.select_related("organization", "project")
        .filter(
            Q(organization__memberships__user_id=user.pk, organization__memberships__role__in=READ)
            | Q(units__members__user_id=user.pk)
        )
        .distinct()
    )


def round_get(*, code: str) -> NominationRound:
    found = NominationRound.objects.select_related("organization", "project").filter(code=code)
    round_ = found.first()
    if round_ is None:
        raise RuleError(E_NO_ROUND, code=code)
    return round_


def unit_get(*, round_: NominationRound, code: str) -> NominatingUnit:
    unit = round_.units.select_related("parent", "slate").filter(code=code).first()
    if unit is None:
        raise RuleError(E_NO_UNIT, code=code)
    return unit


@dataclass(frozen=True)
class SlateFigures:
    """A list's figures against the round's defaults (exact fractions)."""

    count: int
    grassroots: int
    leaders: int
    quota: int | None
    minimum: Fraction

    @property
    def check(self) -> rules.QuotaCheck:
        return rules.quota_check(self.count, self.quota)

    @property
    def share(self) -> Fraction | None:
        return rules.grassroots_share(self.grassroots, self.count)

    @property
    def share_met(self) -> bool | None:
        return rules.share_met(self.share, self.minimum)

    @property
    def needed(self) -> int:
        return rules.grassroots_needed(self.count, self.minimum)

    @property
    def departures(self) -> tuple[str, ...]:
        return rules.departures(
            count=self.count, quota=self.quota, grassroots=self.grassroots, minimum=self.minimum
        )


def quota_of(unit: NominatingUnit) -> int | None:
    ratio = rules.parse_ratio(unit.round.ratio)
    return rules.unit_quota(quota=unit.quota, headcount=unit.headcount, ratio=ratio)


def round_units(round_: NominationRound) -> list[NominatingUnit]:
    """The round's nominating units in code order, each with ``effective_quota``: the quota
    allotted to it, else its headcount × the round's ratio (what its list is held to), and
    ``ratio_text``, that ratio as a percentage ("1%")."""
    ratio = rules.parse_ratio(round_.ratio)
    ratio_text = (
        "" if ratio is None else percent_text(ratio, 0 if (ratio * 100).denominator == 1 else 1)
    )
    units = list(
        round_.units.order_by("code").select_related("parent").prefetch_related("members__user")
    )
    for unit in units:
        unit.effective_quota = rules.unit_quota(  # type: ignore[attr-defined]
            quota=unit.quota, headcount=unit.headcount, ratio=ratio
        )
        unit.ratio_text = ratio_text  # type: ignore[attr-defined]
    return units


def _figures(unit: NominatingUnit, nominees: list[Nominee]) -> SlateFigures:
    return SlateFigures(
        count=len(nominees),
        grassroots=sum(1 for n in nominees if n.grassroots),
        leaders=sum(1 for n in nominees if n.leader),
        quota=quota_of(unit),
        minimum=Fraction(unit.round.grassroots_minimum),
    )


def slate_figures(slate: Slate) -> SlateFigures:
    return _figures(slate.unit, list(slate.nominees.all()))


@dataclass
class SlateRow:
    unit: NominatingUnit
    slate: Slate
    nominees: list[Nominee]
    figures: SlateFigures
    levels: list[str]  # the chain: the unit, each level above, the office

    @property
    def waiting_name(self) -> str:
        if self.slate.status != rules.SUBMITTED:
            return ""
        at = self.slate.waiting_at
        return at.name if at is not None else self.unit.round.organization.name


def _chain(unit: NominatingUnit, units: dict[int, NominatingUnit]) -> list[str]:
    names = [unit.name]
    parent = units.get(unit.parent_id) if unit.parent_id else None
    while parent is not None:
        names.append(parent.name)
        parent = units.get(parent.parent_id) if parent.parent_id else None
    names.append(unit.round.organization.name)
    return names


def slate_rows(round_: NominationRound, access: Access | None = None) -> list[SlateRow]:
    """Every list the reader may see (all with ``access`` None), in unit order; four queries."""
    units = {
        u.pk: u
        for u in round_.units.select_related("slate", "slate__waiting_at", "round__organization")
    }
    nominees: dict[int, list[Nominee]] = {}
    for n in Nominee.objects.filter(slate__unit__round=round_).order_by("id"):
        nominees.setdefault(n.slate_id, []).append(n)
    rows = []
    for unit in sorted(units.values(), key=lambda u: u.code):
        unit.parent = units.get(unit.parent_id) if unit.parent_id else None
        if access is not None and not access.may_see(unit):
            continue
        found = nominees.get(unit.slate.pk, [])
        rows.append(SlateRow(unit, unit.slate, found, _figures(unit, found), _chain(unit, units)))
    return rows


def slate_line(row: SlateRow) -> str:
    """One line of a list for the command line and the demo, in the active language."""
    f = row.figures
    return gettext(
        "%(unit)s: %(count)s of %(quota)s, grassroots %(share)s, %(status)s %(flags)s"
    ) % {
        "unit": row.unit.name,
        "count": f.count,
        "quota": "—" if f.quota is None else f.quota,
        "share": percent_text(f.share),
        "status": gettext(rules.STATUS_WORDS[row.slate.status]),
        "flags": "、".join(gettext(rules.DEPARTURE_WORDS[d]) for d in f.departures),
    }


@dataclass
class RoundSummary:
    quota: int
    minimum: Fraction
    approved: int = 0
    approved_grassroots: int = 0
    approved_leaders: int = 0
    nominated: int = 0
    departures: list[SlateRow] = field(default_factory=list)

    @property
    def over_total(self) -> bool:
        return rules.quota_check(self.approved, self.quota).over_quota

    @property
    def share(self) -> Fraction | None:
        return rules.grassroots_share(self.approved_grassroots, self.approved)

    @property
    def share_met(self) -> bool | None:
        return rules.share_met(self.share, self.minimum)


def round_summary(round_: NominationRound, rows: list[SlateRow] | None = None) -> RoundSummary:
    rows = slate_rows(round_) if rows is None else rows
    summary = RoundSummary(round_.quota, Fraction(round_.grassroots_minimum))
    for row in rows:
        summary.nominated += row.figures.count
        if row.slate.status == rules.APPROVED:
            summary.approved += row.figures.count
            summary.approved_grassroots += row.figures.grassroots
            summary.approved_leaders += row.figures.leaders
        if row.figures.departures:
            summary.departures.append(row)
    return summary


@dataclass(frozen=True)
class DeadlineLine:
    deadline: rules.Deadline
    state: str
    waiting: tuple[str, ...] = ()  # the units whose list is not in yet (the first deadline)


def round_deadlines(round_: NominationRound, today: dt.date) -> list[DeadlineLine]:
    """The deadlines with their state on ``today`` (the injected clock). A deadline is done
    when the round is past nominating, or — for the units' lists — when every unit has
    submitted; for the recommendations, when besides no list waits at a level below the
    office. A round without units yet has nothing done: its lists are still to come."""
    slates = Slate.objects.filter(unit__round=round_)
    past = round_.phase != Phase.NOMINATING
    unfiled = slates.filter(status__in=(rules.DRAFT, rules.RETURNED))
    waiting = tuple(unfiled.order_by("unit__code").values_list("unit__name", flat=True))
    below = slates.filter(status=rules.SUBMITTED, waiting_at__isnull=False).exists()
    some = slates.exists()
    done = {
        rules.NOMINATE_BY: past or (some and not waiting),
        rules.RECOMMEND_BY: past or (some and not (waiting or below)),
        rules.APPROVE_BY: past,
    }
    return [
        DeadlineLine(
            d,
            rules.deadline_state(d, done=done[d.key], today=today),
            waiting if d.key == rules.NOMINATE_BY and not past else (),
        )
        for d in rules.deadlines_of(round_.started_on, round_.schedule)
    ]


def public_rounds() -> QuerySet[NominationRound]:
    """Rounds whose nominees are (or were) on notice."""
    return NominationRound.objects.select_related("organization", "project").filter(
        phase__in=(Phase.NOTICE, Phase.CLOSED)
    )


def nominees_on_notice(round_: NominationRound) -> list[Nominee]:
    return list(
        Nominee.objects.filter(slate__unit__round=round_, slate__status=rules.APPROVED)
        .select_related("slate__unit")
        .order_by("slate__unit__code", "id")
    )


# --------------------------------------------------------------------------- opinions


def round_opinions(round_: NominationRound) -> QuerySet[Opinion]:
    """The opinions filed on the round's notice, oldest first, with their nominees."""
    return round_.opinions.select_related("nominee").order_by("filed_on", "id")


def opinion_by_tracking(code: str) -> Opinion | None:
    """The opinion a tracking code was given for, or None (unknown and malformed alike)."""
    if not codes.plausible(code, TRACKING_LENGTH):
        return None
    return (
        Opinion.objects.select_related("round__organization", "nominee")
        .filter(digest=codes.digest(code))
        .first()
    )
