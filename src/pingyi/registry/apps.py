from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "pingyi.registry"
    verbose_name = _("Project registry")

    def ready(self) -> None:
        from pingyi.rectification.digest import digest_source_register
        from pingyi.registry.reminders import cleanup_deadlines_due

        digest_source_register("cleanups", cleanup_deadlines_due)  # issue 11
