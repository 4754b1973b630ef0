"""What every staff page shows in its bar: the processes of the office, one link each."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (route, label): P1 campaigns, P2 grading, P3 notices, P4 the ledger, P5 registry, disclosure,
# and the background jobs of all of them (R27).
SECTIONS = (
    ("staff-home", _("Campaigns")),
    ("grading:home", _("Grading")),
    ("notices:home", _("Notices")),
    ("rectification:home", _("Rectification")),
    ("registry:home", _("Project registry")),
    ("disclosure:home", _("Disclosure")),
    ("jobs:list", _("Background jobs")),
)


def sections(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {}
    links = []
    for route, label in SECTIONS:
        try:
            url = reverse(route)
        except NoReverseMatch:  # an app without a landing page
            continue
        links.append({"url": url, "label": label, "current": request.path.startswith(url)})
    # the campaigns' landing is /staff/, which every other section's path also starts with
    if any(link["current"] for link in links[1:]):
        links[0]["current"] = False
    return {"sections": links}
