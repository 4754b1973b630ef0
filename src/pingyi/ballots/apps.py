from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BallotsConfig(AppConfig):
    name = "pingyi.ballots"
    verbose_name = _("Ballots")

    def ready(self) -> None:
        from pingyi.ballots.jobs import HANDLERS
        from pingyi.ballots.transitions import ballots_closed, ballots_opened
        from pingyi.campaigns.hooks import transition_step_register
        from pingyi.jobs.handlers import handlers_register
        from pingyi.rules import phases

        handlers_register(HANDLERS)  # jobs runs them and imports no app (issue 11)
        # campaigns opens and closes, and imports no ballots (issue 11)
        transition_step_register(phases.OPEN, "ballots", ballots_opened)
        transition_step_register(phases.CLOSED, "ballots", ballots_closed)
