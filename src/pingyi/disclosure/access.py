"""Who may change disclosure items: decided here, inside the services, for every door.

Supervisors (监督员) are appointed by an administrator; a serving supervisor with an account
reads the organization's items and register and leaves remarks, whatever their role.

Staff (and administrators) of the item's organization draft, edit, revise, release and answer;
the leading group's approval, and the party branch's decision on an internal item, are
recorded by an administrator (who answers for the leading group's office and the branch
committee). The system actor (the machine's operator, the demo) may do anything; separation of
duties is the rules' business on top of this (rules.disclosure.check_separation).
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.models import Organization, Role
from pingyi.accounts.selectors import RUN, role_in
from pingyi.disclosure.models import Status, Supervisor
from pingyi.rules import disclosure as rules


def may_advance(role: str | None, target: str) -> bool:
    """Whether a person of ``role`` records the step to ``target``."""
    if target in (rules.APPROVED, rules.BRANCH_DECIDED):
        return role == Role.ADMIN
    return role in RUN


def role_of(actor: Actor, organization: Organization) -> str | None:
    return None if actor.user is None else role_in(actor.user, organization)


def check_run(actor: Actor, organization: Organization) -> None:
    """Drafting, editing, revising, releasing and answering: the organization's staff."""
    if actor.system or role_of(actor, organization) in RUN:
        return
    raise AccessDenied(
        gettext("%(name)s may not act for %(org)s") % {"name": actor, "org": organization.name}
    )


def check_advance(actor: Actor, organization: Organization, target: str) -> None:
    if actor.system or may_advance(role_of(actor, organization), target):
        return
    raise AccessDenied(
        gettext("%(name)s may not record this step (%(step)s) for %(org)s")
        % {"name": actor, "step": Status(target).label, "org": organization.name}
    )


def check_appoint(actor: Actor, organization: Organization) -> None:
    """Appointing a supervisor is the leading group's: an administrator of the organization."""
    if actor.system or role_of(actor, organization) == Role.ADMIN:
        return
    raise AccessDenied(
        gettext("%(name)s may not appoint supervisors for %(org)s")
        % {"name": actor, "org": organization.name}
    )


def is_serving(actor: Actor, supervisor: Supervisor, today: dt.date) -> bool:
    return (
        actor.user is not None
        and supervisor.user_id == actor.user.pk
        and rules.serving(start=supervisor.term_start, end=supervisor.term_end, today=today)
    )


def check_supervise(actor: Actor, supervisor: Supervisor, today: dt.date) -> None:
    """A remark is the supervisor's own, during the term (the system actor: the demo)."""
    if actor.system or is_serving(actor, supervisor, today):
        return
    raise AccessDenied(
        gettext("%(name)s is not a serving supervisor of %(org)s")
        % {"name": actor, "org": supervisor.organization.name}
    )
