from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from pingyi.accounts.models import Organization
from pingyi.campaigns.models import Campaign, EvaluatorGroup, StageKind


class CampaignForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Organization")
    )
    series_code = forms.SlugField(label=_("Series code"), initial="qianren", max_length=60)
    series_name = forms.CharField(label=_("Series name"), initial="千人评议机关", max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Campaign name"), max_length=200)
    units = forms.FileField(label=_("Units file (.xlsx, .xls or .csv)"))
    scheme = forms.FileField(label=_("Scheme file (.toml, optional)"), required=False)

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Organization]", self.fields["organization"])
        field.queryset = organizations


MAX_WEB_BATCH = 20000  # voting.services.MAX_BATCH


class TokensForm(forms.Form):
    group = forms.ModelChoiceField(
        queryset=EvaluatorGroup.objects.none(), label=_("Evaluator group"), empty_label=None
    )
    # A batch's sheets are drawn by a background job (R27): the office follows its progress.
    count = forms.IntegerField(label=_("Number of tokens"), min_value=1, max_value=MAX_WEB_BATCH)

    def __init__(self, *args: Any, campaign: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[EvaluatorGroup]", self.fields["group"])
        field.queryset = campaign.groups.order_by("position").select_related("parent")
        field.label_from_instance = _group_label  # type: ignore[method-assign, assignment]


def _group_label(group: EvaluatorGroup) -> str:
    """A kind of representatives under its group's name (seed 001 五(二))."""
    return f"{group.parent.name} · {group.name}" if group.parent else group.name


class PaperForm(forms.Form):
    file = forms.FileField(label=_("Data-entry file (.xlsx, .xls or .csv)"))
    # The 片区 the batch was collected in (seed 001 八.6), once the campaign has areas; the
    # import refuses a batch without one then (ballots.services.area_check).
    area = forms.ChoiceField(label=_("Area"), required=False)

    def __init__(self, *args: Any, campaign: Campaign | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = list(campaign.areas.order_by("position")) if campaign is not None else []
        field = cast("forms.ChoiceField", self.fields["area"])
        if areas:
            field.required = True
            field.choices = [("", "—"), *((a.code, a.name) for a in areas)]
        else:
            del self.fields["area"]


# <input type=date> shows and posts only ISO dates, whatever the UI language: the widget
# renders ISO (zh-hans would render 2027/12/01, which the browser drops as empty, and the
# next save then erased every stage); typed dates are read in ISO first, then the locale's.
ISO_DATE = "%Y-%m-%d"


class StagesForm(forms.Form):
    """Start and end dates of the six stages of seed 001; a stage left empty is not planned."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in StageKind:
            for edge, label in (("start", _("starts")), ("end", _("ends"))):
                self.fields[f"{kind.value}_{edge}"] = forms.DateField(
                    label=f"{kind.label} {label}",
                    required=False,
                    input_formats=[ISO_DATE, *get_format("DATE_INPUT_FORMATS")],
                    widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for kind in StageKind:
            if bool(data.get(f"{kind.value}_start")) != bool(data.get(f"{kind.value}_end")):
                raise forms.ValidationError(_("Each stage needs both dates or none."))
        return data

    def stages(self) -> dict[str, tuple[dt.date, dt.date]]:
        data = self.cleaned_data
        return {
            kind.value: (data[f"{kind.value}_start"], data[f"{kind.value}_end"])
            for kind in StageKind
            if data.get(f"{kind.value}_start")
        }

    @staticmethod
    def initial_for(campaign: Campaign) -> dict[str, dt.date]:
        initial: dict[str, dt.date] = {}
        for stage in campaign.stages.all():
            initial[f"{stage.kind}_start"] = stage.starts_on
            initial[f"{stage.kind}_end"] = stage.ends_on
        return initial


class UnitForm(forms.Form):
    """One unit entered by hand while the campaign is a draft."""

    code = forms.CharField(label=_("Code"), max_length=60)
    name = forms.CharField(label=_("Unit"), max_length=200)
    category = forms.ChoiceField(label=_("Category"))
    veto = forms.BooleanField(label=_("One-vote veto"), required=False)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ChoiceField", self.fields["category"])
        field.choices = [(c.name, c.name) for c in campaign.categories.order_by("position")]


class UnitEditForm(forms.Form):
    """A draft's unit renamed or moved to another category (its veto: the veto marks form)."""

    code = forms.CharField(max_length=60)
    name = forms.CharField(label=_("Unit"), max_length=200)
    category = forms.ChoiceField(label=_("Category"))

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ChoiceField", self.fields["category"])
        field.choices = [(c.name, c.name) for c in campaign.categories.order_by("position")]


class UnitCodeForm(forms.Form):
    code = forms.CharField(max_length=60)


# Django 6.1's blank choice of every model drop-down; its own zh_Hans catalog does not have it
# yet, so Pingyi's catalog translates it (issue 12: "- Select an option -" in every drop-down).
DJANGO_MESSAGES = (gettext_noop("- Select an option -"),)
