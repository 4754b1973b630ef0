"""The nominating rounds' deadlines the ledger's e-mail digest names (rectification.digest;
registered in NominationsConfig.ready()).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pingyi.accounts.models import Membership
from pingyi.accounts.selectors import RUN


def nomination_deadlines_due(today: dt.date) -> dict[int, list[tuple[str, str, dt.date, str]]]:
    """user id → the deadlines of the nominating rounds (seed 002) overdue or due soon: every
    one to the office's staff and administrators; the lists' deadline to the members of the
    units whose list is not in; the recommendations' to the members of the levels where a
    list waits."""
    from pingyi.nominations.models import NominationRound, Slate, UnitMember
    from pingyi.nominations.selectors import round_deadlines
    from pingyi.rules.nominations import (
        DRAFT,
        DUE,
        NOMINATE_BY,
        NOMINATING,
        OVERDUE,
        RECOMMEND_BY,
        RETURNED,
        SUBMITTED,
    )  # fmt: skip

    found: dict[int, list[tuple[str, str, dt.date, str]]] = defaultdict(list)
    for round_ in NominationRound.objects.filter(phase=NOMINATING).order_by("started_on", "code"):
        entries = [
            (round_.name, line.deadline.key, line.deadline.due, line.state)
            for line in round_deadlines(round_, today)
            if line.state in (OVERDUE, DUE)
        ]
        if not entries:
            continue
        staff = set(
            Membership.objects.filter(role__in=RUN, organization_id=round_.organization_id)
            .values_list("user_id", flat=True)
        )  # fmt: skip
        for user_id in staff:
            found[user_id].extend(entries)
        slates = Slate.objects.filter(unit__round=round_)
        late_units = {
            NOMINATE_BY: slates.filter(status__in=(DRAFT, RETURNED)).values_list("unit_id"),
            RECOMMEND_BY: slates.filter(status=SUBMITTED, waiting_at__isnull=False).values_list(
                "waiting_at_id"
            ),
        }
        for entry in entries:
            if entry[1] not in late_units:
                continue
            members = UnitMember.objects.filter(unit_id__in=late_units[entry[1]])
            for user_id in set(members.values_list("user_id", flat=True)) - staff:
                found[user_id].append(entry)
    return found
