"""Forms of the ledger pages: shape only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pingyi.rectification.models import ItemStatus, UnitRole, Verdict
from pingyi.rules.grading_lookback import VIOLATION_CAUSES


class DateInput(forms.DateInput):
    input_type = "date"


class ItemForm(forms.Form):
    description = forms.CharField(
        label=_("Problem"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    measures = forms.CharField(
        label=_("Measures"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    target = forms.CharField(label=_("Quantified target"), max_length=500)
    owner = forms.CharField(label=_("Owner"), max_length=100)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); the ledger checks them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(d, initial) for d in data]
        return [one(data, initial)] if data else []


class ProgressForm(forms.Form):
    text = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("unchanged"))]
        + [(c, label) for c, label in ItemStatus.choices if c != ItemStatus.CLOSED_OUT],
        required=False,
    )
    evidence = MultipleFileField(
        label=_("Evidence (PDF, PNG or JPEG, at most 10 MB each, 5 files)"), required=False
    )


class CloseOutForm(forms.Form):
    note = forms.CharField(label=_("Close-out note"), max_length=4000, required=False)


class LeadersForm(forms.Form):
    sponsor_leader = forms.CharField(label=_("Sponsor leader (挂点领导)"), max_length=100)
    liaison = forms.CharField(label=_("Liaison (联络员)"), max_length=100)


class PeopleForm(forms.Form):
    username = forms.CharField(label=_("Account"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=UnitRole.choices)


class AcceptForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices)
    note = forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    panel = forms.CharField(
        label=_("Acceptance panel (one member a line: name, body, role)"),
        help_text=_(
            "The body is 人大, 政协 or 其他, e.g. 张三，人大，组长. A campaign's plan is accepted"
            " by members of both the People's Congress and the CPPCC."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=6000,
        required=False,
    )


class SurveyForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class LookBackForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason of the look-back"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RegradeForm(forms.Form):
    """A look-back's re-grading of one organization of a final grading (回头看)."""

    org = forms.CharField(label=_("Organization code"), max_length=60)
    grade = forms.ChoiceField(
        label=_("New grade"),
        choices=[("好", "好"), ("较好", "较好"), ("一般", "一般"), ("较差", "较差")],
    )
    violation = forms.BooleanField(
        label=_("A violation in its leadership (crime, or a protective umbrella)"), required=False
    )
    cause = forms.ChoiceField(
        label=_("Cause that forces 较差 (seed's wording)"),
        choices=[("", "—"), *VIOLATION_CAUSES.items()],
        required=False,
    )
    effective = forms.BooleanField(
        label=_("The rectification was effective (required to move a grade up)"),
        required=False,
    )
    reason = forms.CharField(
        label=_("What the look-back found"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Ledger (.xlsx, .xls or .csv)"))


class DraftForm(forms.Form):
    """A draft item pre-filled from an opinion: saved as it stands, or confirmed (then the
    service wants every field)."""

    description = forms.CharField(
        label=_("Problem"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    measures = forms.CharField(
        label=_("Measures"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
    )
    target = forms.CharField(label=_("Quantified target"), max_length=500, required=False)
    owner = forms.CharField(label=_("Owner"), max_length=100, required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput)
