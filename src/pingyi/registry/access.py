"""Who may change a clean-up: decided here, inside the services, for every door (R17).

The office is a Membership of the clean-up's organization: administrators and staff run it
(create it, add units and their members, set deadlines, move the rounds, decide in every
round), viewers read it. A registering unit's member registers that unit's projects, keeps
their basis documents and proposes their decisions in the unit's own rounds (自查自纠).
The system actor (the machine's operator, the demo) may do anything. Pages and the API ask
``access_for`` what to show and may ask the same checks early; they never word a rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.models import Organization
from pingyi.accounts.selectors import READ, RUN, role_in
from pingyi.registry.models import Cleanup, Project, RegisteringUnit
from pingyi.rules import registry as rules


@dataclass(frozen=True)
class Access:
    """What one actor may do in one clean-up."""

    run: bool = False  # the office: decide in every round, advance the rounds, manage units
    read_all: bool = False  # the office, viewers included: every unit's projects
    units: frozenset[int] = frozenset()  # the registering units the user belongs to

    @property
    def any(self) -> bool:
        return self.read_all or bool(self.units)

    def may_register(self, unit: RegisteringUnit) -> bool:
        return self.run or unit.pk in self.units

    def may_see(self, project: Project) -> bool:
        return self.read_all or project.unit_id in self.units

    def may_decide_for(self, cleanup: Cleanup, unit: RegisteringUnit) -> bool:
        """In the clean-up's current round: the unit in its own rounds, the office always."""
        if cleanup.round in rules.UNIT_ROUNDS:
            return self.may_register(unit)
        return self.run

    def may_decide(self, cleanup: Cleanup, project: Project) -> bool:
        return self.may_decide_for(cleanup, project.unit)

    def may_decide_some(self, cleanup: Cleanup) -> bool:
        """Whether some project of the clean-up is the user's to decide in this round."""
        return self.run or (cleanup.round in rules.UNIT_ROUNDS and bool(self.units))


EVERYTHING = Access(run=True, read_all=True)


def access_for(actor: Actor, cleanup: Cleanup) -> Access:
    if actor.system:
        return EVERYTHING
    if actor.user is None:
        return Access()
    role = role_in(actor.user, cleanup.organization)
    units = frozenset(
        RegisteringUnit.objects.filter(cleanup=cleanup, members__user_id=actor.user.pk)
        .values_list("pk", flat=True)
    )  # fmt: skip
    return Access(run=role in RUN, read_all=role in READ, units=units)


def may_create(actor: Actor, organization: Organization) -> bool:
    return actor.system or (actor.user is not None and role_in(actor.user, organization) in RUN)


def check_create(actor: Actor, organization: Organization) -> None:
    """A clean-up is opened by the office: staff or an administrator of its organization."""
    if not may_create(actor, organization):
        raise AccessDenied(
            gettext("%(name)s may not open a clean-up for %(org)s")
            % {"name": actor, "org": organization.name}
        )


def check_run(actor: Actor, cleanup: Cleanup) -> None:
    """Units, their members, deadlines and the rounds: the office."""
    if not access_for(actor, cleanup).run:
        raise AccessDenied(
            gettext("%(name)s may not run the clean-up %(cleanup)s")
            % {"name": actor, "cleanup": cleanup.name}
        )


def check_register(actor: Actor, unit: RegisteringUnit) -> None:
    """Registering a unit's projects and their basis documents: its members, or the office."""
    if not access_for(actor, unit.cleanup).may_register(unit):
        raise AccessDenied(
            gettext("%(name)s may not register for %(unit)s") % {"name": actor, "unit": unit.name}
        )


def check_decide(actor: Actor, cleanup: Cleanup, projects: Iterable[Project]) -> None:
    """Deciding (and taking out of or back into scope) in the clean-up's current round: the
    unit's members in the unit's own rounds, the office in all of them."""
    access = access_for(actor, cleanup)
    for project in projects:
        if not access.may_decide(cleanup, project):
            raise AccessDenied(
                gettext("%(name)s may not decide on %(project)s in this round")
                % {"name": actor, "project": project.name}
            )
