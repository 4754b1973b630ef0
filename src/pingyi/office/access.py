"""Who may change an office's people and their roles (the people page, R17): decided here,
inside office/people_services.py, for every door.

The office's administrators add people, grant and remove their roles (office, grading and
rectification roles of the office) and deactivate them; its staff and viewers are refused
(403); anyone else finds nothing (404). The system actor (the machine's operator) may do
anything. The page asks the same check early; it never words the rule.
"""

from __future__ import annotations

from django.db.models import QuerySet

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.models import Organization, Role
from pingyi.accounts.selectors import AnyUser, organizations_for, role_in

ADMINISTERS = (Role.ADMIN,)


def offices_administered(user: AnyUser) -> QuerySet[Organization]:
    """The offices whose people ``user`` manages."""
    return organizations_for(user, ADMINISTERS)


def administers(role: str | None) -> bool:
    """Whether a person of the office with ``role`` (accounts.Membership) manages its people."""
    return role in ADMINISTERS


def may_administer(actor: Actor, organization: Organization) -> bool:
    return actor.system or (
        actor.user is not None and administers(role_in(actor.user, organization))
    )


def check_administers(actor: Actor, organization: Organization) -> None:
    """People and roles of ``organization``: its administrators."""
    if not may_administer(actor, organization):
        raise AccessDenied
