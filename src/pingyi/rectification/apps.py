from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "pingyi.rectification"
    verbose_name = _("Rectification ledger")
