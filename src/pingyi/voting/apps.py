from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "pingyi.voting"
    verbose_name = _("Online voting")

    def ready(self) -> None:
        from pingyi.jobs.handlers import handlers_register
        from pingyi.voting.jobs import HANDLERS

        handlers_register(HANDLERS)  # jobs runs them and imports no app (issue 11)
