from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "pingyi.rectification"
    verbose_name = _("Rectification ledger")

    def ready(self) -> None:
        from pingyi.grading.hooks import board_items_register
        from pingyi.grading.reminders import grading_steps_due
        from pingyi.notices.hooks import final_step_register
        from pingyi.rectification.digest import digest_source_register
        from pingyi.rectification.steps import PLANS, board_items

        # the ledger sits above the notice and grading, which import none of it (issue 11)
        final_step_register("rectification", PLANS)
        board_items_register("rectification", board_items)
        digest_source_register("steps", grading_steps_due)  # grading's rounds' steps
