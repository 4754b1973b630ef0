"""Labels of the stage board in the active language."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from pingyi.rules import stages as rules
from pingyi.stages.models import FeedbackStatus, InspectionStatus, Pledge, PledgeStatus

register = template.Library()


@register.filter
def stage_state(state: str | None) -> str:
    return gettext(rules.LABELS[state]) if state in rules.LABELS else ""


@register.filter
def stage_phase(phase: str) -> str:
    return gettext(rules.PHASE_LABELS[phase]) if phase in rules.PHASE_LABELS else ""


@register.filter
def filing_status(status: str) -> str:
    """A pledge's or a report's status, translated ("" for none)."""
    for choices in (PledgeStatus, InspectionStatus, FeedbackStatus):
        if status in choices.values:
            return str(choices(status).label)
    return ""


@register.filter
def pledge_for(pledges: dict[str, Pledge], code: str) -> Pledge | None:
    """The unit's approved pledge from selectors.pledges_by_unit, None if it has none."""
    return pledges.get(code) if isinstance(pledges, dict) else None
