"""What the apps above the ledger give it (issue 11).

A campaign's plan starts from the opinions fed back to the unit in 征求意见
(rectification.prefill), and its page shows the unit's written rectification report
(集中整改). Both are stages' — which sits above the ledger, its access reading the ledger's
UnitAccess — and stages registers the two reads from its AppConfig.ready(), as the apps
register their jobs with jobs. rectification imports no stages; without a registered source
a plan is drafted from no opinion and shows no report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pingyi.rectification.models import Plan


@dataclass(frozen=True)
class PlanSources:
    # plan id → the kept opinions (stages.Opinion) fed back to its unit in its notice's
    # campaign, in the order the unit reads them; one query for all the plans
    opinions: Callable[[Sequence[Plan]], Mapping[int, Sequence[Any]]]
    # the unit's written rectification report of the plan's campaign, or None
    report: Callable[[Plan], Any]


SOURCES: dict[str, PlanSources] = {}


def plan_sources_register(name: str, sources: PlanSources) -> None:
    """Registering a name again replaces its sources."""
    SOURCES[name] = sources


def fed_back_opinions(plans: Sequence[Plan]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {p.pk: [] for p in plans}
    for sources in SOURCES.values():
        for pk, opinions in sources.opinions(plans).items():
            found[pk].extend(opinions)
    return found


def report_for_plan(plan: Plan) -> Any:
    """The unit's written rectification report of the plan's campaign (集中整改), if any."""
    for sources in SOURCES.values():
        if (report := sources.report(plan)) is not None:
            return report
    return None
