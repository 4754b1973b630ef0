"""Who may do what in a nomination round (R17).

The office (admin or staff of the round's organization) sets the round up and approves the
lists that reach it; its viewers read. A nominating unit's members draft and submit the unit's
list, and — for a unit that is the level above others — recommend or return the lists waiting
at it. Nobody else, the office's staff included, nominates for a unit. The public reads the
nominees on notice and files opinions there.
"""

from __future__ import annotations

from dataclasses import dataclass

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.selectors import READ, RUN, AnyUser, role_in
from pingyi.nominations.models import NominatingUnit, NominationRound, Slate, UnitMember


@dataclass(frozen=True)
class Access:
    """What one user may do in one round."""

    run: bool = False
    read_all: bool = False
    units: frozenset[int] = frozenset()  # the units the user belongs to

    @property
    def any(self) -> bool:
        return self.read_all or bool(self.units)

    def may_see(self, unit: NominatingUnit) -> bool:
        """The office, the unit's members, and the members of every level above it."""
        if self.read_all:
            return True
        found: NominatingUnit | None = unit
        while found is not None:
            if found.pk in self.units:
                return True
            found = found.parent
        return False

    def may_nominate(self, unit: NominatingUnit) -> bool:
        return unit.pk in self.units

    def may_act_on(self, slate: Slate) -> bool:
        """Recommend or return (a level above), approve or return (the office)."""
        if slate.waiting_at_id is None:
            return self.run
        return slate.waiting_at_id in self.units


def access_for(user: AnyUser, round_: NominationRound) -> Access:
    if not user.is_authenticated:
        return Access()
    role = role_in(user, round_.organization)
    units = frozenset(
        UnitMember.objects.filter(user_id=user.pk, unit__round=round_).values_list(
            "unit_id", flat=True
        )
    )
    return Access(run=role in RUN, read_all=role in READ, units=units)


def _access(actor: Actor, round_: NominationRound) -> Access:
    if actor.system:
        return Access(run=True, read_all=True)
    return access_for(actor.user, round_) if actor.user is not None else Access()


def check_office(actor: Actor, round_: NominationRound) -> None:
    if not _access(actor, round_).run:
        raise AccessDenied


def check_nominator(actor: Actor, unit: NominatingUnit) -> None:
    """Only the unit's members nominate for it (the machine's operator may, for the demo)."""
    if actor.system:
        return
    if not _access(actor, unit.round).may_nominate(unit):
        raise AccessDenied


def check_level(actor: Actor, slate: Slate) -> None:
    """Whoever acts where the list waits: a member of that level, or the office."""
    if actor.system:
        return
    if not _access(actor, slate.unit.round).may_act_on(slate):
        raise AccessDenied
