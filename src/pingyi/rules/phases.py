"""The phases of a campaign and the only transitions allowed between them (R16)."""

from __future__ import annotations

from pingyi.rules.errors import RuleError, Term, gettext_noop

DRAFT, OPEN, CLOSED, PUBLISHED, FINAL = "draft", "open", "closed", "published", "final"
NEXT = {DRAFT: OPEN, OPEN: CLOSED, CLOSED: PUBLISHED, PUBLISHED: FINAL}
RESULTS_VISIBLE = {CLOSED, PUBLISHED, FINAL}
# How a phase reads inside a message ("…while the campaign is open"); translated with it.
PHASE_WORDS = {
    DRAFT: gettext_noop("a draft"),
    OPEN: gettext_noop("open"),
    CLOSED: gettext_noop("closed"),
    PUBLISHED: gettext_noop("on public notice"),
    FINAL: gettext_noop("final"),
}


def _word(phase: str) -> Term:
    return Term(PHASE_WORDS.get(phase, phase))


E_TRANSITION = gettext_noop("a campaign that is %(current)s cannot become %(target)s")
E_NOT_OPEN = gettext_noop(
    "ballots are accepted only while the campaign is open (it is %(current)s)"
)
E_RESULTS_EMBARGO = gettext_noop("no results while the campaign is %(current)s: close it first")
E_FROZEN = gettext_noop("the campaign is %(current)s: its units and scheme can no longer change")
E_STAGES_FROZEN = gettext_noop(
    "the campaign is %(current)s: its stages are set only while it is a draft"
)


def check_transition(current: str, target: str) -> None:
    if NEXT.get(current) != target:
        raise RuleError(E_TRANSITION, current=_word(current), target=_word(target))


def check_accepts_ballots(current: str) -> None:
    if current != OPEN:
        raise RuleError(E_NOT_OPEN, current=_word(current))


def check_accepts_tokens(current: str) -> None:
    """Tokens are issued before and while a campaign is open, never after."""
    if current not in (DRAFT, OPEN):
        raise RuleError(E_NOT_OPEN, current=_word(current))


def check_results_visible(current: str) -> None:
    if current not in RESULTS_VISIBLE:
        raise RuleError(E_RESULTS_EMBARGO, current=_word(current))


def check_editable(current: str) -> None:
    if current != DRAFT:
        raise RuleError(E_FROZEN, current=_word(current))


def check_stages_editable(current: str) -> None:
    """The schedule is part of the plan announced at the start: set in a draft, then read."""
    if current != DRAFT:
        raise RuleError(E_STAGES_FROZEN, current=_word(current))
