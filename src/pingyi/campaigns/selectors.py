"""Reads about campaigns for pages, exports, the API and the CLI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from pingyi.accounts.selectors import READ, AnyUser, organizations_for
from pingyi.campaigns.models import Campaign, Unit
from pingyi.rules.errors import RuleError, gettext_noop
from pingyi.rules.scheme import Scheme, scheme_from_dict
from pingyi.rules.tally import UnitSpec

if TYPE_CHECKING:
    from pingyi.exports.paper import PaperBallot

E_NO_CAMPAIGN = gettext_noop("no campaign %(code)r; `pingyi campaign list` shows them")


def campaigns_for(user: AnyUser, roles: tuple[str, ...] = READ) -> QuerySet[Campaign]:
    """The campaigns of the organizations where ``user`` has one of ``roles``."""
    return Campaign.objects.select_related("series", "series__organization").filter(
        series__organization__in=organizations_for(user, roles)
    )


def campaign_for(user: AnyUser, code: str) -> Campaign:
    """The campaign ``code`` of the user's organizations: another organization's, or none, is
    not found (404, R17), and so is a code with a NUL, which PostgreSQL refuses in a query."""
    found = campaigns_for(user).filter(code=code.replace("\x00", "")).first()
    if found is None:
        raise Http404
    return found


def campaign_list() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("series", "series__organization").order_by(
        "series__organization__code", "series__code", "year"
    )


def campaign_get(*, code: str) -> Campaign:
    campaign = campaign_list().filter(code=code).first()
    if campaign is None:
        raise RuleError(E_NO_CAMPAIGN, code=code)
    return campaign


def campaign_scheme(campaign: Campaign) -> Scheme:
    return scheme_from_dict(campaign.scheme, f"campaign {campaign.code}")


def campaign_units(campaign: Campaign) -> list[Unit]:
    return list(campaign.units.select_related("category").order_by("position"))


def paper_ballot(campaign: Campaign) -> PaperBallot:
    """What the paper ballot and its entry template show (exports.paper writes them)."""
    from pingyi.exports.paper import PaperBallot, PaperUnit  # reportlab: only when asked

    return PaperBallot(
        name=campaign.name,
        scheme=campaign_scheme(campaign),
        units=[
            PaperUnit(u.position, u.code, u.name, u.category_id, u.category.name)
            for u in campaign_units(campaign)
        ],
        groups=list(campaign.groups.order_by("position").values_list("name", flat=True)),
    )


def campaign_unit_specs(campaign: Campaign) -> list[UnitSpec]:
    return [
        UnitSpec(
            code=u.code,
            name=u.name,
            category=u.category_label,
            category_code=u.category.code,
            veto=u.veto,
        )
        for u in campaign_units(campaign)
    ]


def campaign_previous(campaign: Campaign) -> Campaign | None:
    return (
        Campaign.objects.filter(series=campaign.series, year__lt=campaign.year)
        .order_by("-year")
        .first()
    )
