from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "pingyi.campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from pingyi.campaigns.jobs import HANDLERS
        from pingyi.jobs.handlers import handlers_register

        handlers_register(HANDLERS)  # jobs runs them and imports no app (issue 11)
