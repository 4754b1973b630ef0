"""What every staff page shows in its bar: the processes of the office, one link each."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from pingyi.office.todo import Reach, reach_of

# (route, label): P1 campaigns, P2 grading, P3 notices, P4 the ledger, P5 registry, disclosure,
# and the background jobs of all of them (R27).
SECTIONS = (
    ("staff-home", _("Campaigns")),
    ("grading:home", _("Grading")),
    ("notices:home", _("Notices")),
    ("rectification:home", _("Rectification")),
    ("stages:my-units", _("My units")),
    ("registry:home", _("Project registry")),
    ("disclosure:home", _("Disclosure")),
    ("nominations:home", _("Nominations")),
    ("jobs:list", _("Background jobs")),
    ("people:people-home", _("People and roles")),
)


def _shown(route: str, reach: Reach) -> bool:
    """Whether the person's roles can do anything in the section."""
    if route == "grading:home":
        return reach.grading
    if route == "rectification:home":
        return reach.office or reach.units
    if route == "stages:my-units":
        return reach.units
    if route == "people:people-home":
        return reach.admin
    if route == "nominations:home":
        return reach.office or reach.nominates
    return reach.office


def sections(request: HttpRequest) -> dict[str, Any]:
    """The sections the person's roles reach; the first (/staff/, their to-do list) is
    called 评议活动 for an office's people and 待办事项 for everyone else."""
    if not request.user.is_authenticated:
        return {}
    reach = reach_of(request.user)
    links = []
    for route, label in SECTIONS:
        if route == "staff-home" and not reach.office:
            label = _("To-do")
        elif route != "staff-home" and not _shown(route, reach):
            continue
        try:
            url = reverse(route)
        except NoReverseMatch:  # an app without a landing page
            continue
        links.append({"url": url, "label": label, "current": request.path.startswith(url)})
    # the campaigns' landing is /staff/, which every other section's path also starts with
    if any(link["current"] for link in links[1:]):
        links[0]["current"] = False
    return {"sections": links}
