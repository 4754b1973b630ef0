from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "pingyi.web"
    verbose_name = _("Web")

    def ready(self) -> None:
        from django.contrib import admin

        from pingyi.web import stored_text

        stored_text.connect()
        # The admin's bar and title say Pingyi, not Django, in the UI language.
        admin.site.site_header = _("Pingyi administration")
        admin.site.site_title = _("Pingyi administration")
        admin.site.index_title = _("Users, roles and records")
