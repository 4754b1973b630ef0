"""The grading rounds' steps the ledger's e-mail digest names (rectification.digest; registered
in GradingConfig.ready()).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pingyi.accounts.models import Membership
from pingyi.accounts.selectors import RUN


def grading_steps_due(today: dt.date) -> dict[int, list[tuple[str, str, dt.date, str]]]:
    """user id → the steps of the open grading rounds that are overdue or due within the
    digest's days, for the department's staff and administrators of each round."""
    from pingyi.grading.models import GradingRound
    from pingyi.grading.selectors import round_schedule
    from pingyi.rules.grading_schedule import DUE, OVERDUE

    found: dict[int, list[tuple[str, str, dt.date, str]]] = defaultdict(list)
    for grading_round in GradingRound.objects.exclude(status="closed").order_by("year", "code"):
        steps = [
            (grading_round.name, line.milestone.key, line.milestone.ends, line.state)
            for line in round_schedule(grading_round, today)
            if line.state in (OVERDUE, DUE)
        ]
        if not steps:
            continue
        staff = Membership.objects.filter(
            role__in=RUN, organization_id=grading_round.organization_id
        )
        for user_id in staff.values_list("user_id", flat=True):
            found[user_id].extend(steps)
    return found
