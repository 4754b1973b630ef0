from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StagesConfig(AppConfig):
    name = "pingyi.stages"
    verbose_name = _("Campaign stages")

    def ready(self) -> None:
        from pingyi.notices.hooks import pledge_count_register
        from pingyi.rectification.hooks import PlanSources, plan_sources_register
        from pingyi.stages.ledger import fed_back_opinions, report_for_plan
        from pingyi.stages.selectors import published_pledge_count

        # neither the notice nor the ledger imports stages, which sits above them (issue 11)
        pledge_count_register("stages", published_pledge_count)
        plan_sources_register(
            "stages", PlanSources(opinions=fed_back_opinions, report=report_for_plan)
        )
