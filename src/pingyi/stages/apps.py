from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StagesConfig(AppConfig):
    name = "pingyi.stages"
    verbose_name = _("Campaign stages")
