from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NominationsConfig(AppConfig):
    name = "pingyi.nominations"
    verbose_name = _("Nominations")

    def ready(self) -> None:
        from pingyi.nominations.reminders import nomination_deadlines_due
        from pingyi.rectification.digest import digest_source_register

        digest_source_register("nominations", nomination_deadlines_due)  # issue 11
