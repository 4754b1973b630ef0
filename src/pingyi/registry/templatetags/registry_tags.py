from __future__ import annotations

from fractions import Fraction

from django import template

from pingyi.rules.registry import percent_text

register = template.Library()


@register.filter
def reduction(rate: Fraction | None) -> str:
    """An exact rate as a percent with one decimal, rounded half up (2/3 → 66.7%)."""
    return percent_text(rate)


@register.filter
def deadline_word(key: str) -> str:
    """A round's deadline in words (in the reader's language)."""
    from django.utils.translation import gettext

    from pingyi.rules.registry_schedule import DEADLINE_WORDS

    return gettext(DEADLINE_WORDS.get(key, key))
