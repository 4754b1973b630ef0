from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    name = "pingyi.grading"
    verbose_name = _("Grading of grassroots organizations")

    def ready(self) -> None:
        from pingyi.grading.jobs import HANDLERS
        from pingyi.grading.reminders import grading_steps_due
        from pingyi.jobs.handlers import handlers_register
        from pingyi.rectification.digest import digest_source_register

        handlers_register(HANDLERS)  # jobs runs them and imports no app (issue 11)
        digest_source_register("steps", grading_steps_due)  # nor does rectification's digest
