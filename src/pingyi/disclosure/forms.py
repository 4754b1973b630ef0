from __future__ import annotations

from typing import Any, cast

from django import forms
from django.forms import (
    CharField,
    CheckboxSelectMultiple,
    ChoiceField,
    MultipleChoiceField,
    Textarea,
)
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.models import Organization
from pingyi.disclosure.models import Area, Form, Scope, Timeliness
from pingyi.rules.text import TEXT_LIMIT


class ItemForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Organization")
    )
    area = forms.ChoiceField(label=_("Content area"), choices=Area.choices)
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices)
    # Named as the model field; the module is not reachable by its name below this line.
    forms = MultipleChoiceField(
        label=_("Forms of disclosure"),
        choices=Form.choices,
        widget=CheckboxSelectMultiple,
        help_text=_(
            "Inside the party: the first six; to the public: the others. An item disclosed "
            "inside first, then to the public, takes one of each."
        ),
    )
    timeliness = ChoiceField(label=_("Timeliness"), choices=Timeliness.choices)
    phases = CharField(
        label=_("Phases (staged items only)"),
        required=False,
        max_length=600,
        widget=Textarea(attrs={"rows": 3}),
        help_text=_("One phase a line, in order, e.g. before the decision, under way, the result."),
    )
    title = CharField(label=_("Title"), max_length=200)
    body = CharField(
        label=_("Text (a staged item: the first phase's report)"),
        max_length=TEXT_LIMIT,
        widget=Textarea,
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Organization]", self.fields["organization"])
        field.queryset = organizations

    def clean_phases(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["phases"].splitlines() if line.strip()]


class TextForm(forms.Form):
    """A drafted item's text, or a published item's revision (with what changed)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), max_length=TEXT_LIMIT, widget=forms.Textarea)
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class StepForm(forms.Form):
    to = forms.CharField(max_length=20)
    note = forms.CharField(label=_("Note (meeting, decision)"), max_length=300, required=False)


class FeedbackForm(forms.Form):
    text = forms.CharField(label=_("Your feedback"), max_length=2000, widget=forms.Textarea)
    contact = forms.CharField(
        label=_("Contact (optional; only staff see it)"), max_length=100, required=False
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=4000, widget=forms.Textarea)


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class OpinionForm(forms.Form):
    text = forms.CharField(label=_("Your opinion"), max_length=2000, widget=forms.Textarea)
    contact = forms.CharField(
        label=_("Contact (optional; only staff see it)"), max_length=100, required=False
    )


class PhaseForm(forms.Form):
    """The next phase's stage report."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Stage report"), max_length=TEXT_LIMIT, widget=forms.Textarea)


class SupervisorForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Organization")
    )
    name = forms.CharField(label=_("Full name"), max_length=100)
    unit = forms.CharField(label=_("Workplace"), max_length=200)
    term_start = forms.DateField(
        label=_("Term starts"), widget=forms.DateInput(attrs={"type": "date"})
    )
    term_end = forms.DateField(label=_("Term ends"), widget=forms.DateInput(attrs={"type": "date"}))
    username = forms.CharField(
        label=_("Account (optional: to sign in and leave remarks)"),
        max_length=150,
        required=False,
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Organization]", self.fields["organization"])
        field.queryset = organizations


class RemarkForm(forms.Form):
    item = forms.TypedChoiceField(
        label=_("On the item"), coerce=int, required=False, empty_value=None
    )
    text = forms.CharField(label=_("Remark"), max_length=2000, widget=forms.Textarea)

    def __init__(self, *args: Any, items: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.TypedChoiceField", self.fields["item"])
        choices: list[tuple[Any, Any]] = [("", _("The disclosure in general"))]
        choices += [(i.pk, i.title) for i in items]
        field.choices = choices
