"""What the schedules of a grading round (grading_schedule), a clean-up (registry_schedule) and
a nomination round (nominations) share: the state of a step or a deadline on a given day."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence

from pingyi.rules.errors import RuleError, Term

DONE, OVERDUE, DUE, UPCOMING = "done", "overdue", "due", "upcoming"


def due_state(day: dt.date, *, done: bool, today: dt.date, within: int) -> str:
    """done; overdue (``day`` is past); due (``within`` days away or fewer, ``day`` itself
    included); upcoming."""
    if done:
        return DONE
    if today > day:
        return OVERDUE
    if (day - today).days <= within:
        return DUE
    return UPCOMING


def checked_days(
    keys: Sequence[str],
    shown: Mapping[str, dt.date],
    changes: Mapping[str, dt.date],
    *,
    unknown: str,
    order: str,
    words: Mapping[str, str],
) -> dict[str, str]:
    """The stored form (``{key: "YYYY-MM-DD"}``) of the deadlines ``shown`` after ``changes``:
    RuleError ``unknown`` (with ``key``) for a key not among ``keys``, ``order`` (with ``step``,
    ``day`` and ``before``) for a day before the one of the key before it; two keys may share
    a day."""
    for key in changes:
        if key not in keys:
            raise RuleError(unknown, key=key)
    merged = dict(shown) | dict(changes)
    for before, key in itertools.pairwise(keys):
        if merged[key] < merged[before]:
            raise RuleError(
                order,
                step=Term(words[key]),
                day=merged[key].isoformat(),
                before=merged[before].isoformat(),
            )
    return {key: merged[key].isoformat() for key in keys}
