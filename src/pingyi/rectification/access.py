"""Who may change a rectification plan: decided here, inside the services, for every door.

The plan's role for a person is selectors.plan_access (strongest first): "supervisor" (admin
or staff of the office that runs the plan), "reader" (a viewer of that office), "owner" (the
unit's owner), "member" (reads the unit's plans). The supervising office and the unit's owner
edit the plan's items (add, draft, confirm, discard, progress, owner and deadline); only the
supervising office closes items out, names the sponsor leader and liaison, gives access,
records the acceptance verdict, re-opens a plan and starts a repeat survey. The system actor
(the machine's operator, the demo) may do anything. Pages and the API may ask the same
checks early; they never word a rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.models import Organization
from pingyi.accounts.selectors import RUN, role_in
from pingyi.rectification.models import Plan
from pingyi.rectification.selectors import OWNER, SUPERVISOR, plan_access

EDITORS = (SUPERVISOR, OWNER)


def role_of(actor: Actor, plan: Plan) -> str | None:
    if actor.system:
        return SUPERVISOR
    return None if actor.user is None else plan_access(actor.user, plan)


def may_edit(actor: Actor, plan: Plan) -> bool:
    return role_of(actor, plan) in EDITORS


def may_supervise(actor: Actor, plan: Plan) -> bool:
    return role_of(actor, plan) == SUPERVISOR


def check_edit(actor: Actor, plan: Plan) -> None:
    """The plan's items: the supervising office or the unit's owner."""
    if not may_edit(actor, plan):
        raise AccessDenied(
            gettext("%(name)s may not change the plan of %(unit)s")
            % {"name": actor, "unit": plan.unit_name}
        )


def check_supervise(actor: Actor, plan: Plan) -> None:
    """Close-outs, people, leaders, the acceptance, look-backs, surveys: the supervising
    office (its administrators and staff)."""
    if not may_supervise(actor, plan):
        raise AccessDenied(
            gettext("%(name)s does not supervise the plan of %(unit)s")
            % {"name": actor, "unit": plan.unit_name}
        )


def check_supervise_office(actor: Actor, organization: Organization) -> None:
    """A plan made for the office (a look-back's): its administrators and staff."""
    if actor.system or (actor.user is not None and role_in(actor.user, organization) in RUN):
        return
    raise AccessDenied(
        gettext("%(name)s does not supervise the plans of %(org)s")
        % {"name": actor, "org": organization.name}
    )


def check_supervise_plans(actor: Actor, plans: Sequence[Plan]) -> None:
    """Plans made together (a final notice's, pre-filled in its transaction): the office that
    supervises each."""
    if actor.system:
        return
    for organization in Organization.objects.filter(pk__in={p.organization_id for p in plans}):
        check_supervise_office(actor, organization)


def check_digest(actor: Actor) -> None:
    """The digest writes to every owner and supervisor of every office: the machine's operator
    sends it (``pingyi digest``), no one person."""
    if not actor.system:
        raise AccessDenied(
            gettext("%(name)s may not send the ledger's digest: the operator sends it")
            % {"name": actor}
        )
