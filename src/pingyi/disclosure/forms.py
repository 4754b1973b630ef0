from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pingyi.campaigns.models import Organization
from pingyi.disclosure.models import Area, Form, Scope, Timeliness
from pingyi.rules.text import TEXT_LIMIT


class ItemForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Organization")
    )
    area = forms.ChoiceField(label=_("Content area"), choices=Area.choices)
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices)
    form = forms.ChoiceField(label=_("Form"), choices=Form.choices)
    timeliness = forms.ChoiceField(label=_("Timeliness"), choices=Timeliness.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), max_length=TEXT_LIMIT, widget=forms.Textarea)

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Organization]", self.fields["organization"])
        field.queryset = organizations


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
