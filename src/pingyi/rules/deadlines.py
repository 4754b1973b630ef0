"""What the schedules of a grading round (grading_schedule), a clean-up (registry_schedule) and
a nomination round (nominations) share: the state of a step or a deadline on a given day."""

from __future__ import annotations

import datetime as dt

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
