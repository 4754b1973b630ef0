"""How a review's recorded change reads on a page: field names and flag lists in words."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingyi.web.templatetags.pingyi_tags import flag_label

register = template.Library()

FIELDS = {
    "veto": gettext_lazy("one-vote veto"),
    "rank": gettext_lazy("rank"),
    "flags": gettext_lazy("result"),
    "grade": gettext_lazy("grade"),
}


@register.filter
def change_field(field: str) -> str:
    return str(FIELDS.get(field, field))


@register.filter
def change_value(value: Any) -> str:
    """[] → —, a flag list → its labels, True/False → yes/no, None → —."""
    if value is None or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "、".join(flag_label(str(v)) for v in value)
    return str(value)
