"""Who may do what in a campaign's stages (R17).

The office (admin or staff of the campaign's organization) approves pledges, marks reports
received and edits the public page; its viewers read. A unit's owner (rectification's
UnitAccess of the campaign's series: the same person year after year) drafts the unit's
pledges and files its self-inspection; a unit's member reads them. Nobody else — the office's
staff included — files for a unit. The public sees approved pledges on the public page only.
"""

from __future__ import annotations

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.selectors import READ, RUN, AnyUser, role_in
from pingyi.campaigns.models import Campaign, Unit
from pingyi.rectification.models import UnitAccess, UnitRole

OFFICE, READER, OWNER, MEMBER = "office", "reader", "owner", "member"


def unit_role(user: AnyUser, campaign: Campaign, unit_code: str) -> str | None:
    """The user's own role in the unit: "owner", "member" or None."""
    if not user.is_authenticated:
        return None
    return (
        UnitAccess.objects.filter(
            user_id=user.pk,
            organization_id=campaign.series.organization_id,
            series_id=campaign.series_id,
            unit_code=unit_code,
        )
        .values_list("role", flat=True)
        .first()
    )


def office_access(user: AnyUser, campaign: Campaign) -> str | None:
    """ "office" (admin or staff), "reader" (viewer) or None."""
    role = role_in(user, campaign.series.organization)
    if role in RUN:
        return OFFICE
    return READER if role in READ else None


def unit_access(user: AnyUser, unit: Unit) -> str | None:
    """The strongest of the user's ways to see the unit's stage work, None: not found."""
    office = office_access(user, unit.campaign)
    if office == OFFICE:
        return OFFICE
    role = unit_role(user, unit.campaign, unit.code)
    if role == UnitRole.OWNER:
        return OWNER
    if office is not None:
        return office
    return MEMBER if role == UnitRole.MEMBER else None


def check_owner(actor: Actor, unit: Unit) -> None:
    """Only the unit's owner files for it (the machine's operator may, for the demo)."""
    if actor.system:
        return
    if actor.user is None or unit_role(actor.user, unit.campaign, unit.code) != UnitRole.OWNER:
        raise AccessDenied


def check_office(actor: Actor, campaign: Campaign) -> None:
    if actor.system:
        return
    if actor.user is None or office_access(actor.user, campaign) != OFFICE:
        raise AccessDenied
