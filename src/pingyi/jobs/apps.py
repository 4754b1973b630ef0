from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "pingyi.jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        """The task queue's own admin (django_tasks_db, in English, its rows the queue's
        internals) leaves the admin: staff follow each job on its page. The admin's
        autodiscovery ran in its own ready(), before this one."""
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)
