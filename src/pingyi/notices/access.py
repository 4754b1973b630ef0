"""Who may change a notice: decided here, inside the services, for every door (R17).

The office that ran the campaign or the grading round (the notice's organization) publishes,
investigates and answers objections, records reviews and finalizes: its administrators and
staff. Its viewers read; anyone else finds nothing. A member of the public files an objection
(objection_file: no account, no role). The system actor (the machine's operator, the demo) may
do anything. Pages and the API may ask the same check early; they never word a rule.
"""

from __future__ import annotations

from django.utils.translation import gettext

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.models import Organization
from pingyi.accounts.selectors import RUN, role_in


def may_run(actor: Actor, organization: Organization) -> bool:
    return actor.system or (actor.user is not None and role_in(actor.user, organization) in RUN)


def check_run(actor: Actor, organization: Organization) -> None:
    """Publishing, objections, reviews, finalizing: the office's administrators and staff."""
    if not may_run(actor, organization):
        raise AccessDenied(
            gettext("%(name)s may not act on the notices of %(org)s")
            % {"name": actor, "org": organization.name}
        )
