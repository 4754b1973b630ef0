from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    name = "pingyi.grading"
    verbose_name = _("Grading of grassroots organizations")

    def ready(self) -> None:
        from pingyi.ballots.hooks import paper_check_register
        from pingyi.grading.jobs import HANDLERS
        from pingyi.grading.paper import paper_ballots_check
        from pingyi.jobs.handlers import handlers_register

        handlers_register(HANDLERS)  # jobs runs them and imports no app (issue 11)
        paper_check_register("grading", paper_ballots_check)  # nor does ballots import grading
        # the ledger's digest takes grading's steps itself (RectificationConfig.ready())
