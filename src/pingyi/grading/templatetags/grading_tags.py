"""Numbers of the grading pages: exact scores as people write them, rates as percentages."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from pingyi.rules.grading import number_text
from pingyi.rules.tally import round_fraction

register = template.Library()


@register.filter
def score(value: Fraction | int | None) -> str:
    """17.5, 20, 12.33 (two decimals when it does not end sooner); "—" when missing."""
    if value is None:
        return "—"
    return number_text(Fraction(value))


@register.filter
def percent(value: Fraction | str | None) -> str:
    """A rate (or its stored text, "3/4") as a percentage with one decimal, rounded half up:
    80.0%."""
    if value is None:
        return "—"
    tenths = round_fraction(Fraction(value) * 100, 1)
    return f"{float(tenths):.1f}%"


@register.filter
def share(value: Fraction | str | None) -> str:
    """A share as the rules write it, without trailing zeros: 10%, 12.5%."""
    if value is None:
        return "—"
    return f"{number_text(Fraction(value) * 100)}%"


@register.filter
def messages_of(errors: list[object]) -> list[str]:
    """RuleErrors (or anything) as text, for lists of pending reasons."""
    from django.utils.translation import gettext

    return [e.message(gettext) if hasattr(e, "message") else str(e) for e in errors]


OVERRIDE_LABELS = {
    "violation": _("violation of discipline or law"),
    "new": _("newly founded"),
    "inherited": _("graded with its general branch"),
}


@register.filter
def override_label(rule: str) -> str:
    """The name of an override rule of SPEC P2 (``violation``, ``new``, ``inherited``) in words."""
    return str(OVERRIDE_LABELS.get(rule, rule))


@register.filter
def milestone_word(key: str) -> str:
    """A step of the round's schedule in words."""
    from django.utils.translation import gettext

    from pingyi.rules.grading_schedule import MILESTONE_WORDS

    return gettext(MILESTONE_WORDS.get(key, key))


@register.filter
def ratio(value: Fraction | str | None) -> str:
    """A ratio of members to non-members as people write it: "3/2" → 3:2."""
    if value is None or value == "":
        return "—"
    found = Fraction(value)
    return f"{found.numerator}:{found.denominator}"


@register.filter
def graded_as(states: Iterable[Any], grade: str) -> list[Any]:
    """The organization states of ``states`` whose final grade is ``grade``."""
    return [s for s in states if getattr(s, "grade", None) == grade]
