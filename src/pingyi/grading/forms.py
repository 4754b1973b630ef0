"""Forms of the grading pages. Scores come in as decimals and leave as exact Fractions."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.models import Organization
from pingyi.grading.models import RubricIndicator
from pingyi.rules import grading as rules

RUBRIC_CHOICES = [
    ("seven-indicators", _("Seven indicators (党组织带头人 … 群众评价)")),
    ("five-goods", _("Five goods (五个好)")),
]


class RoundForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Organization department")
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=200)
    rubric = forms.ChoiceField(label=_("Built-in rubric"), choices=RUBRIC_CHOICES)
    scheme = forms.FileField(
        label=_("Grading scheme file (.toml, optional: replaces the built-in rubric)"),
        required=False,
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Organization]", self.fields["organization"])
        field.queryset = organizations


class FileForm(forms.Form):
    file = forms.FileField(label=_("Organizations file (.xlsx, .xls or .csv)"))


def _score_field(row: RubricIndicator) -> forms.DecimalField:
    return forms.DecimalField(
        label=f"{row.name} ({rules.number_text(Fraction(row.maximum))})",
        min_value=Decimal(0),
        max_value=row.maximum,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )


class ScoresForm(forms.Form):
    """One score field per indicator (``score_<code>``); subclasses add the rest."""

    def __init__(self, *args: Any, indicators: list[RubricIndicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for row in indicators:
            self.fields[f"score_{row.code}"] = _score_field(row)

    def score_rows(self) -> list[tuple[RubricIndicator, forms.BoundField]]:
        return [(row, self[f"score_{row.code}"]) for row in self.indicators]

    def scores(self) -> dict[str, Fraction]:
        return {
            row.code: Fraction(self.cleaned_data[f"score_{row.code}"]) for row in self.indicators
        }


class SelfEvaluationForm(ScoresForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["claimed_grade"] = forms.ChoiceField(
            label=_("Claimed grade"), choices=[(g, g) for g in rules.GRADES]
        )
        self.fields["achievements"] = forms.CharField(
            label=_("Main achievements"), widget=forms.Textarea(attrs={"rows": 4})
        )
        self.fields["problems"] = forms.CharField(
            label=_("Problems found"), widget=forms.Textarea(attrs={"rows": 3})
        )


class AssessmentForm(ScoresForm):
    """A score per indicator and, beside it, the reason for any deduction."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in self.indicators:
            self.fields[f"reason_{row.code}"] = forms.CharField(
                label=_("Reason for any deduction"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def reasons(self) -> dict[str, str]:
        return {row.code: self.cleaned_data[f"reason_{row.code}"] for row in self.indicators}

    def rows(self) -> list[tuple[RubricIndicator, forms.BoundField, forms.BoundField]]:
        return [
            (row, self[f"score_{row.code}"], self[f"reason_{row.code}"]) for row in self.indicators
        ]


class RateForm(forms.Form):
    rate = forms.DecimalField(
        label=_("Satisfaction rate (%)"), min_value=Decimal(0), max_value=Decimal(100)
    )
    ballots = forms.IntegerField(label=_("Valid ballots"), min_value=1)
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def fraction(self) -> Fraction:
        return Fraction(self.cleaned_data["rate"]) / 100
