from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    name = "pingyi.grading"
    verbose_name = _("Grading of grassroots organizations")

    def ready(self) -> None:
        from pingyi.grading.jobs import HANDLERS
        from pingyi.jobs.handlers import handlers_register

        handlers_register(HANDLERS)  # jobs runs them and imports no app (issue 11)
