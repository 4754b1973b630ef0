"""The people of an office and what each may do, as its administrator sees them.

A person's roles live where the apps look for them: the office's own roles (administrator,
staff, viewer) in accounts.Membership; a committee, party organization or assessor role in
grading.GradingRole (one round each, as access.py reads it); a unit's owner or member in
rectification.UnitAccess (a unit code of a P1 series, or of the office's grading rounds).
This module reads them all into one list and names the scopes a new role may take: the
people page's drop-down and the bulk file's 范围 column use the same names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, TextChoices
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.models import Membership, Organization, Profile, Role
from pingyi.campaigns.models import Series, Unit
from pingyi.grading.models import Committee, GradingRole, GradingRoleKind, PartyOrg, RoundStatus
from pingyi.rectification.models import UnitAccess, UnitRole


class PersonRole(TextChoices):
    """Every role the people page gives, in the order its drop-down offers them."""

    ADMIN = Role.ADMIN, _("Administrator")
    STAFF = Role.STAFF, _("Staff")
    VIEWER = Role.VIEWER, _("Viewer")
    COMMITTEE = "committee", _("Committee user")
    ORG = "org", _("Party organization user")
    ASSESSOR = "assessor", _("Assessor")
    OWNER = "owner", _("Unit owner")
    MEMBER = "member", _("Unit member")


OFFICE_ROLES = (PersonRole.ADMIN, PersonRole.STAFF, PersonRole.VIEWER)
GRADING_ROLES = {
    PersonRole.COMMITTEE: GradingRoleKind.COMMITTEE,
    PersonRole.ORG: GradingRoleKind.ORG,
    PersonRole.ASSESSOR: GradingRoleKind.ASSESSOR,
}
UNIT_ROLES = {PersonRole.OWNER: UnitRole.OWNER, PersonRole.MEMBER: UnitRole.MEMBER}
# What kind of scope each scoped role takes: a committee, a party organization, a unit.
SCOPE_KIND = {
    PersonRole.COMMITTEE: "k",
    PersonRole.ORG: "o",
    PersonRole.ASSESSOR: "o",
    PersonRole.OWNER: "u",
    PersonRole.MEMBER: "u",
}


@dataclass(frozen=True)
class Target:
    """A scope a role can be given: ``key`` is what the form posts ("k<pk>", "o<pk>",
    "u<series pk or 0>:<unit code>"), ``label`` what the drop-down and the template's list
    show, ``names`` the short spellings the bulk file's 范围 may use instead."""

    key: str
    label: str
    names: tuple[str, ...] = ()


def _open_rounds(organization: Organization) -> Q:
    return Q(round__organization=organization) & ~Q(round__status=RoundStatus.CLOSED)


def scope_targets(organization: Organization) -> dict[str, list[Target]]:
    """The scopes of the office by kind ("k", "o", "u"): committees and organizations of its
    rounds still open, and the units of its series and of its rounds."""
    targets: dict[str, list[Target]] = {"k": [], "o": [], "u": []}
    committees = Committee.objects.filter(_open_rounds(organization)).select_related("round")
    for committee in committees.order_by("-round__year", "position"):
        label = f"{committee.round.name} / {committee.name}"
        targets["k"].append(Target(f"k{committee.pk}", label, (committee.name,)))
    orgs = PartyOrg.objects.filter(_open_rounds(organization)).select_related("round")
    for org in orgs.order_by("-round__year", "position"):
        label = f"{org.round.name} / {org.code} {org.name}"
        targets["o"].append(Target(f"o{org.pk}", label, (org.code, org.name)))
    for series in Series.objects.filter(organization=organization).order_by("code"):
        units = Unit.objects.filter(campaign__series=series).order_by("-campaign__year", "code")
        seen: dict[str, str] = {}
        for code, name in units.values_list("code", "name"):
            seen.setdefault(code, name)
        for code, name in sorted(seen.items()):
            label = f"{series.name} / {code} {name}"
            targets["u"].append(Target(f"u{series.pk}:{code}", label, (code, name)))
    graded: dict[str, str] = {}
    for code, name in (
        PartyOrg.objects.filter(round__organization=organization)
        .order_by("-round__year")
        .values_list("code", "name")
    ):
        graded.setdefault(code, name)
    for code, name in sorted(graded.items()):
        label = f"{_('Party organizations')} / {code} {name}"
        targets["u"].append(Target(f"u0:{code}", label, (code, name)))
    return targets


@dataclass
class Grant:
    """One role a person holds, as the people page lists it; ``key`` names it for removal."""

    key: str
    role: str
    label: str
    scope: str = ""


@dataclass
class Person:
    user: Any
    full_name: str
    grants: list[Grant] = field(default_factory=list)

    @property
    def username(self) -> str:
        return str(self.user.get_username())


def _role_label(role: str) -> str:
    return str(PersonRole(role).label)


def people_list(organization: Organization) -> list[Person]:
    """Everyone the office added or gave a role, by user name, with every role they hold."""
    grants: dict[int, list[Grant]] = defaultdict(list)
    for m in Membership.objects.filter(organization=organization):
        grants[m.user_id].append(Grant(f"m{m.pk}", m.role, _role_label(m.role)))
    roles = GradingRole.objects.filter(round__organization=organization).select_related(
        "round", "committee", "org"
    )
    for r in roles.order_by("-round__year", "kind"):
        target = r.committee.name if r.committee else f"{r.org.code} {r.org.name}"  # type: ignore[union-attr]
        role = next(k for k, v in GRADING_ROLES.items() if v == r.kind)
        grants[r.user_id].append(
            Grant(f"g{r.pk}", role, _role_label(role), f"{r.round.name} / {target}")
        )
    for a in UnitAccess.objects.filter(organization=organization).select_related("series"):
        role = next(k for k, v in UNIT_ROLES.items() if v == a.role)
        where = a.series.name if a.series else str(_("Party organizations"))
        grants[a.user_id].append(
            Grant(f"u{a.pk}", role, _role_label(role), f"{where} / {a.unit_code}")
        )
    added = Profile.objects.filter(organization=organization).values_list("user_id", flat=True)
    users = get_user_model().objects.filter(pk__in={*grants, *added}).order_by("username")
    names = dict(Profile.objects.filter(user__in=users).values_list("user_id", "full_name"))
    return [Person(user=u, full_name=names.get(u.pk, ""), grants=grants[u.pk]) for u in users]


def is_person_of(organization: Organization, user: Any) -> bool:
    """Whether the office added ``user`` or gave them a role: only then may it change them."""
    return user.pk in {p.user.pk for p in people_list(organization)}
