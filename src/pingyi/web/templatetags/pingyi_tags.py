from __future__ import annotations

from fractions import Fraction
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.filter
def get(mapping: Any, key: str) -> Any:
    """{{ chosen|get:unit.code }}: a dict lookup by a variable key."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


def _exact(value: Any) -> Fraction | None:
    """A number as stored or computed — a Fraction, an int, a Decimal, or a fraction's text
    ("37/50", as the models keep exact rates) — as an exact Fraction; None for no value."""
    if value is None or value == "":
        return None
    return Fraction(value)


def _fixed(value: Fraction, places: int) -> str:
    """Rounded half away from zero on the exact value, as the rules round (2/3 → 0.667)."""
    scale = 10**places
    whole = int(abs(value) * scale + Fraction(1, 2))
    sign = "-" if value < 0 and whole else ""
    text = f"{whole // scale}" + (f".{whole % scale:0{places}d}" if places else "")
    return sign + text


@register.filter
def decimal(value: Any, places: int = 3) -> str:
    """A Fraction (or None) as a fixed-point number for display."""
    exact = _exact(value)
    return "—" if exact is None else _fixed(exact, int(places))


@register.filter
def percent(value: Any, places: int = 2) -> str:
    """A rate (a Fraction, or its text "37/50") as a percentage: 74.00%."""
    exact = _exact(value)
    return "—" if exact is None else _fixed(exact * 100, int(places)) + "%"


FLAG_LABELS = {
    "winner": _("winner"),
    "last": _("last"),
    "rectify": _("key rectification"),
    "consecutive_last": _("last two years running"),
    "veto": _("one-vote veto"),
    "no_ballots": _("no valid ballot"),
}


@register.filter
def flag_label(flag: str) -> str:
    return str(FLAG_LABELS.get(flag, flag))


@register.filter
def actor_name(name: Any) -> str:
    """Who did it, as the audit chain records it, read as a person: ``cli:root`` is the command
    line run by root, ``public`` a member of the public. A bare ``demo`` is a person: the demo
    administrator's login (the demo's own steps are recorded as ``cli:<login>`` or ``demo-…``)."""
    text = str(name or "")
    if text.startswith("cli:"):
        return _("command line (%(login)s)") % {"login": text[4:]}
    return str({"public": _("the public")}.get(text, text))


@register.filter
def at(items: Any, index: int) -> Any:
    """{{ marks|at:forloop.counter0 }}: the item at a position, or "" past the end."""
    try:
        return items[int(index)]
    except (IndexError, TypeError, ValueError):
        return ""


@register.filter
def paren(value: Any) -> str:
    """{{ status|paren }}: a note in brackets as the language writes them, （已发布） in Chinese
    and (published) in English."""
    # Translators: brackets around a short note after a name; {} is the note.
    return format_html(gettext("({})"), value)
