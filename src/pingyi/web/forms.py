from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pingyi.campaigns.models import EvaluatorGroup, Organization


class CampaignForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Organization")
    )
    series_code = forms.SlugField(label=_("Series code"), initial="qianren", max_length=60)
    series_name = forms.CharField(label=_("Series name"), initial="千人评议机关", max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Campaign name"), max_length=200)
    units = forms.FileField(label=_("Units file (.xlsx or .csv: code, name, category, veto)"))
    scheme = forms.FileField(label=_("Scheme file (.toml, optional)"), required=False)

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Organization]", self.fields["organization"])
        field.queryset = organizations


MAX_WEB_BATCH = 2000


class TokensForm(forms.Form):
    group = forms.ModelChoiceField(
        queryset=EvaluatorGroup.objects.none(), label=_("Evaluator group")
    )
    # A batch's sheets are drawn while the office waits (about 10 ms a slip): larger runs are
    # issued as several batches, or through the API, which returns only the codes.
    count = forms.IntegerField(label=_("Number of tokens"), min_value=1, max_value=MAX_WEB_BATCH)

    def __init__(self, *args: Any, campaign: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[EvaluatorGroup]", self.fields["group"])
        field.queryset = campaign.groups.order_by("position")


class PaperForm(forms.Form):
    file = forms.FileField(label=_("Data-entry file (.xlsx or .csv)"))
