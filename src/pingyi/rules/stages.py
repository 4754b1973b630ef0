"""The six stages of seed 001 八 on a clock: where a unit stands in a stage on a given day.

A stage with work (服务承诺, 自查自纠) is *done* once its work is finished (the pledge approved,
the report received), whatever the day; otherwise *not started* before its first day, *due*
from its first to its last day, *overdue* after it. A stage with no dates is *unplanned*.
"""

from __future__ import annotations

import datetime as dt

from pingyi.rules.errors import RuleError, gettext_noop

DONE, DUE, OVERDUE, NOT_STARTED, UNPLANNED = "done", "due", "overdue", "not_started", "unplanned"
STATES = (DONE, DUE, OVERDUE, NOT_STARTED, UNPLANNED)
LABELS = {
    DONE: gettext_noop("done"),
    DUE: gettext_noop("due in its stage"),
    OVERDUE: gettext_noop("overdue"),
    NOT_STARTED: gettext_noop("not started"),
    UNPLANNED: gettext_noop("no dates"),
}

# A stage without work (its dates only): before, during, after.
UNDER_WAY, OVER = "under_way", "over"
PHASE_LABELS = {
    NOT_STARTED: gettext_noop("not started"),
    UNDER_WAY: gettext_noop("under way"),
    OVER: gettext_noop("over"),
    UNPLANNED: gettext_noop("no dates"),
}

# Pledge workflow: the unit's owner drafts and submits, the office approves or returns.
DRAFT, SUBMITTED, APPROVED, RETURNED = "draft", "submitted", "approved", "returned"
# Self-inspection: the owner files (again, until received), the office marks it received.
FILED, RECEIVED = "filed", "received"

E_PLEDGE_APPROVED = gettext_noop("the pledge was approved and is published: it is not changed")
E_PLEDGE_SUBMITTED = gettext_noop("the pledge awaits the office's decision")
E_PLEDGE_NOT_SUBMITTED = gettext_noop("only a submitted pledge is approved or returned")
E_REPORT_RECEIVED = gettext_noop("the office has received the report: it is not changed")
E_REPORT_NOT_FILED = gettext_noop("no self-inspection report has been filed")


def stage_state(*, starts: dt.date | None, ends: dt.date | None, done: bool, today: dt.date) -> str:
    if done:
        return DONE
    if starts is None or ends is None:
        return UNPLANNED
    if today < starts:
        return NOT_STARTED
    return DUE if today <= ends else OVERDUE


def phase(*, starts: dt.date | None, ends: dt.date | None, today: dt.date) -> str:
    """A stage without work on ``today``: not started, under way or over."""
    if starts is None or ends is None:
        return UNPLANNED
    if today < starts:
        return NOT_STARTED
    return UNDER_WAY if today <= ends else OVER


def check_pledge_editable(status: str | None) -> None:
    if status == APPROVED:
        raise_rule(E_PLEDGE_APPROVED)
    if status == SUBMITTED:
        raise_rule(E_PLEDGE_SUBMITTED)


def check_pledge_decidable(status: str) -> None:
    if status != SUBMITTED:
        raise_rule(E_PLEDGE_NOT_SUBMITTED)


def check_report_editable(status: str | None) -> None:
    if status == RECEIVED:
        raise_rule(E_REPORT_RECEIVED)


def check_report_receivable(status: str | None) -> None:
    if status != FILED:
        raise_rule(E_REPORT_NOT_FILED)


def raise_rule(message: str) -> None:
    raise RuleError(message)


# Seed 001 四 (评议内容): what the public page offers the office until it writes its own.
SEED_CRITERIA = "\n".join(
    (
        "比依法行政：看执政为民的意识牢不牢",
        "比行政效能：看服务基层的作风实不实",
        "比工作实绩：看推进发展的成效大不大",
        "比工作机制：看落实政令的渠道畅不畅",
    )
)
