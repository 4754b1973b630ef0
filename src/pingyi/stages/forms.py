from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pingyi.rectification.models import UnitRole
from pingyi.stages.models import SurveyScope

ROLES = [
    (UnitRole.OWNER.value, _("Owner: drafts the pledges, files the reports")),
    (UnitRole.MEMBER.value, _("Member: reads them")),
]

FILE_HELP = _("Optional: one PDF, PNG or JPEG file of at most 10 MB.")


class BriefForm(forms.Form):
    plan = forms.CharField(
        label=_("Implementation plan"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    criteria = forms.CharField(
        label=_("Appraisal criteria (one a line: name：description)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    public = forms.BooleanField(label=_("Publish the page (no sign-in needed)"), required=False)


class OwnerForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))
    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=ROLES, initial=UnitRole.OWNER)

    def __init__(self, *args: object, units: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].choices = units  # type: ignore[attr-defined]


class PledgeForm(forms.Form):
    text = forms.CharField(
        label=_("Service pledges"), max_length=8000, widget=forms.Textarea(attrs={"rows": 8})
    )
    file = forms.FileField(label=_("Attachment"), required=False, help_text=FILE_HELP)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What to revise"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class InspectionForm(forms.Form):
    text = forms.CharField(
        label=_("Self-inspection report"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    file = forms.FileField(label=_("Attachment"), required=False, help_text=FILE_HELP)


class SurveyForm(forms.Form):
    """Starts the rectification survey: which units, which evaluator groups."""

    scope = forms.ChoiceField(
        label=_("Units surveyed"),
        choices=SurveyScope.choices,
        initial=SurveyScope.REPORTED,
        widget=forms.RadioSelect,
    )
    groups = forms.MultipleChoiceField(
        label=_("Evaluator groups"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, groups: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["groups"].choices = groups  # type: ignore[attr-defined]
        self.fields["groups"].initial = [code for code, _name in groups]
