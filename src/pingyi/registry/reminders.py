"""The clean-ups' deadlines the ledger's e-mail digest names (rectification.digest; registered
in RegistryConfig.ready()).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pingyi.accounts.models import Membership
from pingyi.accounts.selectors import RUN


def cleanup_deadlines_due(today: dt.date) -> dict[int, list[tuple[str, str, dt.date, str]]]:
    """user id → the deadlines of the running clean-ups (seed 000) that are overdue or due
    within a week: every one to the office's staff and administrators, the self-check's to the
    members of the units that have not filed their tables."""
    from pingyi.registry.models import Cleanup, UnitMember
    from pingyi.registry.selectors import cleanup_deadlines, units_not_filed
    from pingyi.rules.registry import PUBLISHED, SELF_CHECK
    from pingyi.rules.registry_schedule import DUE, OVERDUE

    found: dict[int, list[tuple[str, str, dt.date, str]]] = defaultdict(list)
    for cleanup in Cleanup.objects.exclude(round=PUBLISHED).order_by("started_on", "code"):
        entries = [
            (cleanup.name, line.deadline.key, line.deadline.due, line.state)
            for line in cleanup_deadlines(cleanup, today)
            if line.state in (OVERDUE, DUE)
        ]
        if not entries:
            continue
        staff = Membership.objects.filter(role__in=RUN, organization_id=cleanup.organization_id)
        for user_id in staff.values_list("user_id", flat=True):
            found[user_id].extend(entries)
        self_check = [entry for entry in entries if entry[1] == SELF_CHECK]
        if self_check:
            late = [unit.pk for unit in units_not_filed(cleanup)]
            members = UnitMember.objects.filter(unit_id__in=late).values_list("user_id", flat=True)
            for user_id in set(members) - set(staff.values_list("user_id", flat=True)):
                found[user_id].extend(self_check)
    return found
