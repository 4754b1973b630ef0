"""P3 public notice, objections and review (公示 / 异议 / 复核) as plain rules.

A published result stays on notice from ``opens_at`` for ``days`` days: objections are taken
only inside that window (R16). An objection is received, may be assigned (and re-assigned)
to someone who investigates, and is answered once; an answer is final. A review (复核) may
change the result only while the notice runs. The notice becomes final only when its period
is over AND every objection is answered; nothing skips a step. The clock is always passed in
(``now``) so that tests decide what time it is.

Corrections a review makes to a P1 result are applied here too: a changed one-vote veto
re-decides the flags of the unit's category by the tally's own rule (the next unit moves up),
an explicit rank or flag list replaces what the count gave.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace

from pingyi.rules.errors import Listing, RuleError, Term, gettext_noop
from pingyi.rules.scheme import Scheme
from pingyi.rules.tally import FLAG_ORDER, UnitResult, flag_category

# Notice states; the campaign's own phase moves with them (published → final).
ON_NOTICE, FINAL = "on_notice", "final"
NOTICE_NEXT = {ON_NOTICE: FINAL}

# Objection states and the only moves between them.
RECEIVED, ASSIGNED, ANSWERED = "received", "assigned", "answered"
OBJECTION_MOVES = {
    RECEIVED: {ASSIGNED, ANSWERED},
    ASSIGNED: {ASSIGNED, ANSWERED},  # re-assigning is allowed until the answer
    ANSWERED: set[str](),
}
OBJECTION_WORDS = {
    RECEIVED: gettext_noop("received"),
    ASSIGNED: gettext_noop("being investigated"),
    ANSWERED: gettext_noop("answered"),
}

DEFAULT_DAYS = 5
MAX_DAYS = 60

E_DAYS = gettext_noop("a notice period is 1 to %(max)s days")
E_NOT_YET = gettext_noop("the notice period has not started: objections open at %(opens)s")
E_WINDOW_OVER = gettext_noop(
    "the notice period ended at %(ends)s: objections are no longer accepted"
)
E_NOTICE_FINAL = gettext_noop("the notice is final: nothing on it can change any more")
E_PERIOD_RUNS = gettext_noop("the notice period runs until %(ends)s: it cannot become final yet")
E_UNANSWERED = gettext_noop(
    "%(count)s objection(s) are not answered yet: answer every objection first"
)
E_OBJECTION_MOVE = gettext_noop("an objection that is %(current)s cannot become %(target)s")
E_REVIEW_CLOSED = gettext_noop("a review can change the result only while it is on notice")
E_REVIEW_REASON = gettext_noop("say why the result changes and who approved the change")
E_REVIEW_NOTHING = gettext_noop("the review changes nothing: the unit already reads so")
E_UNKNOWN_FLAG = gettext_noop("%(flag)r is not a result flag; expected some of: %(expected)s")
E_RANK = gettext_noop("a rank is a whole number from 1 up, or empty for no rank")


def notice_ends(opens_at: dt.datetime, days: int) -> dt.datetime:
    """When a notice opened at ``opens_at`` for ``days`` days closes (exclusive)."""
    check_days(days)
    return opens_at + dt.timedelta(days=days)


def check_days(days: int) -> None:
    if not 1 <= days <= MAX_DAYS:
        raise RuleError(E_DAYS, max=MAX_DAYS)


def _when(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")  # the office's own time (settings.TIME_ZONE)


def check_objection_window(
    *, status: str, opens_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime
) -> None:
    """Objections are taken only while the notice runs: from ``opens_at`` up to ``ends_at``."""
    if status != ON_NOTICE:
        raise RuleError(E_NOTICE_FINAL)
    if now < opens_at:
        raise RuleError(E_NOT_YET, opens=_when(opens_at))
    if now >= ends_at:
        raise RuleError(E_WINDOW_OVER, ends=_when(ends_at))


def check_objection_move(current: str, target: str) -> None:
    if target not in OBJECTION_MOVES.get(current, set()):
        raise RuleError(
            E_OBJECTION_MOVE,
            current=Term(OBJECTION_WORDS.get(current, current)),
            target=Term(OBJECTION_WORDS.get(target, target)),
        )


def check_notice_open(status: str) -> None:
    """Work on a notice (notes, answers, reviews) happens only before it is final."""
    if status != ON_NOTICE:
        raise RuleError(E_NOTICE_FINAL)


def check_finalize(*, status: str, ends_at: dt.datetime, unanswered: int, now: dt.datetime) -> None:
    """on notice → final: only after the period AND with every objection answered (R16)."""
    if NOTICE_NEXT.get(status) != FINAL:
        raise RuleError(E_NOTICE_FINAL)
    if now < ends_at:
        raise RuleError(E_PERIOD_RUNS, ends=_when(ends_at))
    if unanswered:
        raise RuleError(E_UNANSWERED, count=unanswered)


def check_review(*, status: str, reason: str, approved_by: str) -> None:
    if status != ON_NOTICE:
        raise RuleError(E_REVIEW_CLOSED)
    if not reason.strip() or not approved_by.strip():
        raise RuleError(E_REVIEW_REASON)


def clean_flags(flags: Iterable[str]) -> list[str]:
    """Flags in the tally's order; an unknown flag is refused."""
    wanted = {f.strip() for f in flags if f.strip()}
    unknown = sorted(wanted - set(FLAG_ORDER))
    if unknown:
        raise RuleError(E_UNKNOWN_FLAG, flag=unknown[0], expected=Listing(FLAG_ORDER))
    return [f for f in FLAG_ORDER if f in wanted]


def clean_rank(rank: int | None) -> int | None:
    if rank is not None and rank < 1:
        raise RuleError(E_RANK)
    return rank


def reflag_with_veto(
    units: Sequence[UnitResult],
    *,
    code: str,
    veto: bool,
    scheme: Scheme,
    previous_last: Iterable[str],
) -> list[UnitResult]:
    """The units after the one-vote veto of ``code`` changes: its category's flags are decided
    again by the tally's rule (a vetoed unit gives its winning place to the next one).
    Ranks do not depend on a veto and stay. Returns new UnitResults; the input is untouched.
    """
    changed = [
        replace(u, spec=replace(u.spec, veto=veto), flags=list(u.flags))
        if u.spec.code == code
        else replace(u, flags=list(u.flags))
        for u in units
    ]
    target = next(u for u in changed if u.spec.code == code)
    rule = next(c for c in scheme.categories if c.code == target.spec.category_code)
    members = [u for u in changed if u.spec.category_code == rule.code]
    flag_category(members, rule.winners, scheme, set(previous_last))
    return changed
