"""The nomination pages' forms: they parse; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.models import Organization
from pingyi.nominations.models import NominatingUnit, Rank
from pingyi.nominations.services import NomineeSpec
from pingyi.registry.models import Project
from pingyi.rules import nominations as rules


class RoundForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Office"), empty_label=None
    )
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(), label=_("Kept project"), empty_label=None
    )
    code = forms.CharField(label=_("Code"), max_length=80)
    name = forms.CharField(label=_("Name"), max_length=200)
    started_on = forms.DateField(label=_("Started"), widget=forms.DateInput(attrs={"type": "date"}))
    quota = forms.IntegerField(label=_("Total quota"), min_value=0)
    grassroots_minimum = forms.CharField(
        label=_("Minimum share of grassroots nominees"), initial="70%", max_length=30,
        help_text=_("In principle 70%; the office may set its own for the round."),
    )  # fmt: skip
    ratio = forms.CharField(
        label=_("Ratio of nominees to headcount"), required=False, max_length=30,
        help_text=_("Optional, e.g. 1%: a unit without an allotted quota gets its headcount "
                    "times this, rounded down."),
    )  # fmt: skip
    notice_days = forms.IntegerField(
        label=_("Notice period (days)"), initial=rules.DEFAULT_NOTICE_DAYS, min_value=5,
        max_value=60,
    )  # fmt: skip

    def __init__(self, *args: Any, organizations: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # no empty choice: the first office and project are chosen until the user changes them
        cast(
            "forms.ModelChoiceField[Organization]", self.fields["organization"]
        ).queryset = organizations
        cast("forms.ModelChoiceField[Project]", self.fields["project"]).queryset = projects


class UnitForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=200)
    parent_code = forms.CharField(
        label=_("Code of the level above"), required=False, max_length=60,
        help_text=_("Empty: the unit hands its list straight to the office."),
    )  # fmt: skip
    quota = forms.IntegerField(label=_("Quota of places"), required=False, min_value=0)
    headcount = forms.IntegerField(label=_("Headcount"), required=False, min_value=0)


class MemberForm(forms.Form):
    unit = forms.ModelChoiceField(
        queryset=NominatingUnit.objects.none(), label=_("Nominating unit")
    )
    username = forms.CharField(label=_("User name"), max_length=150)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[NominatingUnit]", self.fields["unit"]).queryset = units


class NomineeForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=60)
    workplace = forms.CharField(label=_("Workplace"), max_length=200)
    post = forms.CharField(label=_("Post"), max_length=120)
    rank = forms.ChoiceField(label=_("Rank of post"), choices=Rank.choices)
    grassroots = forms.BooleanField(label=_("Works at the grassroots (基层一线)"), required=False)
    leader = forms.BooleanField(label=_("Member of the unit's leadership"), required=False)
    deeds = forms.CharField(label=_("Main deeds"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}), max_length=4000)  # fmt: skip

    def spec(self) -> NomineeSpec:
        return NomineeSpec(**self.cleaned_data)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class OpinionForm(forms.Form):
    nominee = forms.TypedChoiceField(label=_("Nominee"), coerce=int, choices=())
    text = forms.CharField(label=_("Your opinion"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    contact = forms.CharField(label=_("Contact (optional)"), required=False, max_length=120)

    def __init__(self, *args: Any, nominees: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nominee"].choices = [  # type: ignore[attr-defined]
            (n.pk, f"{n.name}（{n.workplace}）") for n in nominees
        ]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
