from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    name = "pingyi.grading"
    verbose_name = _("Grading of grassroots organizations")
