from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pingyi.office.people import PersonRole, Target

HOW = [
    ("password", _("A one-time password, shown once; changed at first sign-in")),
    ("invite", _("An invitation link that sets the password (valid 7 days)")),
]


def scope_choices(targets: dict[str, list[Target]]) -> list[Any]:
    """The scopes grouped by kind for one drop-down; "" for the roles that take none."""
    groups = (
        ("k", _("Committees (for committee users)")),
        ("o", _("Party organizations (for their users and assessors)")),
        ("u", _("Appraised units (for their owners and members)")),
    )
    choices: list[Any] = [("", _("No scope (administrator, staff, viewer)"))]
    for kind, title in groups:
        if targets[kind]:
            choices.append((title, [(t.key, t.label) for t in targets[kind]]))
    return choices


class PersonForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    role = forms.ChoiceField(label=_("Role"), choices=PersonRole.choices)
    scope = forms.ChoiceField(label=_("Scope of the role"), required=False)
    how = forms.ChoiceField(
        label=_("How the person signs in first"),
        choices=HOW,
        initial="password",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, targets: dict[str, list[Target]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scope_choices(targets)  # type: ignore[attr-defined]


class RoleForm(forms.Form):
    username = forms.ChoiceField(label=_("Person"))
    role = forms.ChoiceField(label=_("Role"), choices=PersonRole.choices)
    scope = forms.ChoiceField(label=_("Scope of the role"), required=False)

    def __init__(
        self, *args: Any, targets: dict[str, list[Target]], people: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].choices = [(p, p) for p in people]  # type: ignore[attr-defined]
        self.fields["scope"].choices = scope_choices(targets)  # type: ignore[attr-defined]


class PeopleFileForm(forms.Form):
    file = forms.FileField(label=_("People file (.xlsx, .xls or .csv)"))
