from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "pingyi.voting"
    verbose_name = _("Online voting")

    def ready(self) -> None:
        from pingyi.campaigns.hooks import transition_step_register
        from pingyi.jobs.handlers import handlers_register
        from pingyi.rules import phases
        from pingyi.voting.jobs import HANDLERS
        from pingyi.voting.transitions import receipts_shuffled

        handlers_register(HANDLERS)  # jobs runs them and imports no app (issue 11)
        # after the ballots' (BallotsConfig comes first): campaigns imports neither (issue 11)
        transition_step_register(phases.CLOSED, "voting", receipts_shuffled)
