"""The suite's one cast and its factories, as each module's tests meet them.

People (``people``): at the office, Erin administers, Alice is staff and Bob reads (viewer);
Charlie administers another organization (``elsewhere``); Dave has no role anywhere. A module
adds its own people by name with their roles at the office (``roles``); anyone else named
(a unit's owner, a registering unit's clerk) is created without a role, for the module to give
one. None has a password: the tests sign in with force_login.

Campaigns (``make_campaign``): the office's 千人评议 of a year over four units (``UNITS``),
created and opened by the staff member Alice (``STAFF``) through the services.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.contrib.auth.models import User

from pingyi.accounts.actors import Actor
from pingyi.accounts.models import Membership, Organization, Role
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.services import campaign_create, campaign_open
from pingyi.rules.scheme import builtin_scheme
from pingyi.rules.tally import UnitSpec

STAFF = "alice"
EVERYONE = ("alice", "bob", "charlie", "dave")
OFFICE_ROLES: Mapping[str, Role] = {"erin": Role.ADMIN, "alice": Role.STAFF, "bob": Role.VIEWER}
ELSEWHERE_ADMIN = "charlie"

UNITS = [
    UnitSpec("L1", "组织部", "地方管理部门", "local"),
    UnitSpec("L2", "宣传部", "地方管理部门", "local"),
    UnitSpec("V1", "国税局", "垂直管理部门", "vertical"),
    UnitSpec("F1", "人行", "金融部门", "financial", veto=True),
]


def people(
    office: Organization,
    elsewhere: Organization,
    names: Iterable[str] = EVERYONE,
    roles: Mapping[str, Role] | None = None,
    *,
    email: bool = False,
) -> dict[str, User]:
    """The users ``names``, created in that order, with their memberships: the office's roles
    (OFFICE_ROLES and ``roles``), Charlie's at ``elsewhere``. ``email``: name@example.org."""
    at_office = {**OFFICE_ROLES, **(roles or {})}
    users = {
        name: User.objects.create_user(name, email=f"{name}@example.org" if email else "")
        for name in names
    }
    for name, user in users.items():
        if name == ELSEWHERE_ADMIN:
            Membership.objects.create(user=user, organization=elsewhere, role=Role.ADMIN)
        elif name in at_office:
            Membership.objects.create(user=user, organization=office, role=at_office[name])
    return users


def make_campaign(
    year: int = 2026,
    units: list[UnitSpec] | None = None,
    *,
    open_it: bool = True,
    series: str = "qianren",
) -> Campaign:
    campaign = campaign_create(
        organization_code="office",
        organization_name="评议办",
        series_code=series,
        series_name="千人评议机关",
        year=year,
        name=f"{year}年千人评议",
        scheme=builtin_scheme(),
        units=units or UNITS,
        actor=Actor.operator(STAFF),
    )
    if open_it:
        campaign_open(campaign=campaign, actor=Actor.operator(STAFF))
    return campaign
