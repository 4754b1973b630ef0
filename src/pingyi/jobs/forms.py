from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pingyi.rules.address import MAX_LENGTH


class PublicAddressForm(forms.Form):
    public_url = forms.CharField(
        label=_("Public address"),
        max_length=MAX_LENGTH,
        required=False,
        help_text=_(
            "The address phones on the evaluators' network open, e.g. http://192.0.2.10:8000 "
            "or https://pingyi.example.gov.cn. Empty: the installation's default."
        ),
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
