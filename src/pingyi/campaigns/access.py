"""Who may run a campaign (P1): decided here, inside the services, for every door (R17).

The office is a Membership of the campaign's organization: its administrators and staff
(accounts.selectors.RUN) create campaigns, edit a draft's units, stages and criteria, open and
close it (and, through its notice, publish and finalize it), issue and withdraw codes, import
paper ballots, keep the year-end record and apply the results; its viewers read. Anyone else —
another organization's office included — finds nothing (404 at the doors). A member of the
public casts a ballot with a code (voting.services.ballot_submit): no account, no role, no
check here. The system actor (the machine's operator, the demo) may do anything. Pages and the
API may ask the same check early; they never word a rule.
"""

from __future__ import annotations

from django.utils.translation import gettext

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.models import Organization
from pingyi.accounts.selectors import RUN, AnyUser, role_in
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.selectors import campaign_for


def may_run(actor: Actor, organization: Organization | None) -> bool:
    """Whether ``actor`` runs the campaigns of ``organization`` (None: an office that does
    not exist yet, which only the system actor brings into being)."""
    if actor.system:
        return True
    if actor.user is None or organization is None:
        return False
    return role_in(actor.user, organization) in RUN


def check_run(actor: Actor, organization: Organization | None) -> None:
    """Creating a campaign for the office: its administrators and staff."""
    if not may_run(actor, organization):
        raise AccessDenied(
            gettext("%(name)s may not run the campaigns of %(org)s")
            % {"name": actor, "org": organization.name if organization else "—"}
        )


def check_campaign(actor: Actor, campaign: Campaign) -> None:
    """Everything that changes a campaign, its units, codes and ballots: its office."""
    check_run(actor, campaign.series.organization)


def campaign_office(user: AnyUser, code: str) -> tuple[Campaign, Actor]:
    """For a door of the office: the campaign (404: another organization's) and the actor of
    ``user``, refused (403) before a form or body is read; the service asks the same again."""
    campaign, actor = campaign_for(user, code), Actor.of(user)
    check_campaign(actor, campaign)
    return campaign, actor
