"""P4 rectification ledger (整改台账) rules: item states, overdue, the digest window, acceptance.

An item moves 未开始 → 进行中 → 已完成 → 已销号. Work done at once (a small item, or one
reported late) goes 未开始 → 已完成 in one progress note, with its evidence; 已完成 may go
back to 进行中 (the work was not enough); 已销号 (closed out) is reached only from 已完成 and
only with the supervising office's approval, never skipped. An item is overdue when its
deadline has passed and it is neither done nor closed out. The clock (``today``) is always a
parameter.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from pingyi.rules.errors import Listing, RuleError, Term, gettext_noop

NOT_STARTED, IN_PROGRESS, DONE, CLOSED_OUT = "not_started", "in_progress", "done", "closed_out"
STATUS_LABELS = {  # SPEC gives the statuses in Chinese: they are data, as written in a ledger
    NOT_STARTED: "未开始",
    IN_PROGRESS: "进行中",
    DONE: "已完成",
    CLOSED_OUT: "已销号",
}
STATUS_WORDS = {
    NOT_STARTED: gettext_noop("not started"),
    IN_PROGRESS: gettext_noop("in progress"),
    DONE: gettext_noop("done"),
    CLOSED_OUT: gettext_noop("closed out"),
}
# Moves a unit's owner may make; CLOSED_OUT is the supervisor's alone (item_close_out).
MOVES = {
    NOT_STARTED: {IN_PROGRESS, DONE},
    IN_PROGRESS: {DONE},
    DONE: {IN_PROGRESS, CLOSED_OUT},
    CLOSED_OUT: set[str](),
}
FINISHED = {DONE, CLOSED_OUT}
DIGEST_DAYS = 7

# Acceptance verdicts (验收)
PASSED, FAILED = "passed", "failed"

E_MOVE = gettext_noop("an item that is %(current)s cannot become %(target)s")
E_CLOSE_OUT_NEEDS_DONE = gettext_noop(
    "only a done item can be closed out (this one is %(current)s)"
)
E_CLOSE_OUT_APPROVAL = gettext_noop("closing out needs the supervising office's approval")
E_ACCEPT_EARLY = gettext_noop(
    "the rectification period runs until %(ends)s: the acceptance comes after it"
)
E_VERDICT = gettext_noop("the verdict is passed or failed")
E_STATUS_UNKNOWN = gettext_noop("%(value)r is not a status; expected one of: %(expected)s")
E_PLAN_CLOSED = gettext_noop("the plan was accepted: re-open it through a look-back first")


def status_from_text(text: str) -> str:
    """A status as a ledger writes it (未开始, 进行中…) or by its code."""
    value = text.strip()
    for code, label in STATUS_LABELS.items():
        if value in (code, label):
            return code
    raise RuleError(E_STATUS_UNKNOWN, value=value, expected=Listing(STATUS_LABELS.values()))


def check_move(current: str, target: str, *, supervisor: bool = False) -> None:
    """A status change; ``supervisor`` marks the supervising office's approval of a close-out."""
    if target == CLOSED_OUT:
        if current != DONE:
            raise RuleError(
                E_CLOSE_OUT_NEEDS_DONE, current=Term(STATUS_WORDS.get(current, current))
            )
        if not supervisor:
            raise RuleError(E_CLOSE_OUT_APPROVAL)
        return
    if target not in MOVES.get(current, set()):
        raise RuleError(
            E_MOVE,
            current=Term(STATUS_WORDS.get(current, current)),
            target=Term(STATUS_WORDS.get(target, target)),
        )


def is_overdue(*, deadline: dt.date, status: str, today: dt.date) -> bool:
    return status not in FINISHED and deadline < today


def is_due_soon(*, deadline: dt.date, status: str, today: dt.date, days: int = DIGEST_DAYS) -> bool:
    """Due from today up to ``days`` days ahead, and not finished."""
    return status not in FINISHED and today <= deadline <= today + dt.timedelta(days=days)


@dataclass(frozen=True)
class DigestLine:
    item_id: int
    overdue: bool
    deadline: dt.date


def digest_lines(
    items: Iterable[tuple[int, dt.date, str]], *, today: dt.date, days: int = DIGEST_DAYS
) -> list[DigestLine]:
    """(id, deadline, status) → the items a digest names: overdue first, then due soon, each
    by deadline. Items neither overdue nor due within ``days`` are left out."""
    lines = [
        DigestLine(item_id, is_overdue(deadline=deadline, status=status, today=today), deadline)
        for item_id, deadline, status in items
        if is_overdue(deadline=deadline, status=status, today=today)
        or is_due_soon(deadline=deadline, status=status, today=today, days=days)
    ]
    return sorted(lines, key=lambda line: (not line.overdue, line.deadline, line.item_id))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_acceptance(*, verdict: str, period_ends: dt.date, today: dt.date) -> None:
    """The acceptance inspection comes after the rectification period (seed 001: half a year)."""
    if verdict not in (PASSED, FAILED):
        raise RuleError(E_VERDICT)
    if today < period_ends:
        raise RuleError(E_ACCEPT_EARLY, ends=period_ends.isoformat())


# The acceptance panel (验收考评小组). Seed 001 七.(二)4: 由市人大和市政协组成考评小组 — a
# campaign's (P1) plan is accepted by a panel with members of both; a grading's (P2) plan
# names its inspectors when it has them.
NPC, CPPCC, OTHER = "npc", "cppcc", "other"
BODY_LABELS = {NPC: "人大", CPPCC: "政协", OTHER: "其他"}
MAX_PANEL = 30

E_PANEL_LINE = gettext_noop(
    "panel line %(line)s: write name, body (人大, 政协 or 其他) and role, separated by commas"
)
E_PANEL_BODY = gettext_noop("panel line %(line)s: the body is 人大, 政协 or 其他, not %(body)r")
E_PANEL_FIELD = gettext_noop(
    "panel line %(line)s: the name and the role are 1 to 100 characters each"
)
E_PANEL_SIZE = gettext_noop("the panel has at most %(max)s members")
E_PANEL_TWICE = gettext_noop("%(name)s is named twice on the panel")
E_PANEL_BODIES = gettext_noop(
    "the acceptance of a campaign's rectification is made by a panel of the People's Congress"
    " and the CPPCC: name at least one member of each"
)


@dataclass(frozen=True)
class PanelMember:
    name: str
    body: str  # NPC, CPPCC or OTHER
    role: str  # on the panel or in the body (组长, 人大代表, 政协委员 …)


def body_of(text: str) -> str | None:
    """A body as written (人大, 政协, 其他, or its code), else None."""
    key = text.strip().casefold()
    for code, label in BODY_LABELS.items():
        if key in (code, label, label + "代表", label + "委员"):
            return code
    return {"人大常委会": NPC, "政协委员会": CPPCC}.get(key)


def panel_from_text(text: str) -> list[PanelMember]:
    """One member a line, "name, body, role" (Chinese or ASCII commas, or tabs as pasted
    from a spreadsheet); empty lines are skipped. RuleError names the line."""
    members = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("，", ",").replace("\t", ",").split(",")]
        if len(parts) != 3:
            raise RuleError(E_PANEL_LINE, line=number)
        members.append(panel_member(*parts, line=number))
    return members


def panel_member(name: str, body: str, role: str, *, line: int) -> PanelMember:
    code = body_of(body)
    if code is None:
        raise RuleError(E_PANEL_BODY, line=line, body=body[:20])
    name, role = name.strip(), role.strip()
    if not (1 <= len(name) <= 100 and 1 <= len(role) <= 100):
        raise RuleError(E_PANEL_FIELD, line=line)
    return PanelMember(name, code, role)


def check_panel(members: Iterable[PanelMember], *, campaign_plan: bool) -> None:
    """At most MAX_PANEL members, nobody twice; a campaign's plan (last or key rectification,
    seed 001) needs at least one member of the People's Congress and one of the CPPCC."""
    found = list(members)
    if len(found) > MAX_PANEL:
        raise RuleError(E_PANEL_SIZE, max=MAX_PANEL)
    seen: set[str] = set()
    for member in found:
        if member.name in seen:
            raise RuleError(E_PANEL_TWICE, name=member.name)
        seen.add(member.name)
    if campaign_plan and not {NPC, CPPCC} <= {m.body for m in found}:
        raise RuleError(E_PANEL_BODIES)
