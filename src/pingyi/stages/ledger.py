"""What stages gives the rectification ledger (rectification.hooks; registered in
StagesConfig.ready()): the opinions fed back to a unit in 征求意见, which a campaign's plan
starts from (rectification.prefill, seed 001 八.5), and the unit's written rectification
report (集中整改), which the plan's page shows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pingyi.rectification.models import Plan
from pingyi.rules import opinions as opinion_rules
from pingyi.stages.models import FeedbackStatus, Opinion, RectificationReport


def fed_back_opinions(plans: Sequence[Plan]) -> dict[int, list[Opinion]]:
    """Plan id → the kept opinions fed back to its unit in its notice's campaign, in the
    order the unit reads them (category, then id); one query for all the plans."""
    by_campaign: dict[int, dict[str, Plan]] = defaultdict(dict)
    for plan in plans:
        if plan.notice.campaign_id is not None:
            by_campaign[plan.notice.campaign_id][plan.unit_code] = plan
    found: dict[int, list[Opinion]] = {p.pk: [] for p in plans}
    if not by_campaign:
        return found
    opinions = (
        Opinion.objects.filter(
            campaign_id__in=list(by_campaign),
            status__in=opinion_rules.KEPT,
            unit__opinion_feedback__status=FeedbackStatus.FED_BACK,
        )
        .select_related("unit")
        .order_by("category", "id")
    )
    for opinion in opinions:
        owner = by_campaign[opinion.campaign_id].get(opinion.unit.code)
        if owner is not None:
            found[owner.pk].append(opinion)
    return found


def report_for_plan(plan: Plan) -> RectificationReport | None:
    """The unit's written rectification report of the plan's campaign (集中整改), if any."""
    if plan.notice.campaign_id is None:
        return None
    return (
        RectificationReport.objects.filter(
            unit__campaign_id=plan.notice.campaign_id, unit__code=plan.unit_code
        )
        .select_related("unit")
        .first()
    )
