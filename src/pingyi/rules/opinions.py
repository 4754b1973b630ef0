"""The rules of 征求意见 and 集中整改 (seed 001 八.4, 八.5) as plain Python.

An opinion arrives *new* (online through the mixing pool, or imported from paper). The office
sorts it (category, unit): *sorted*; marks it a *duplicate* of another, or *merges* it into
another — both leave the kept opinion standing for them. Once every opinion of a unit is
sorted, the office writes the unit's summary and feeds it back (反馈): from then on the unit
reads its kept opinions (never the duplicates' or merged ones' own rows), its owner answers
each with measures, and files the rectification report once every one is answered; the office
marks the report received, and the unit's 集中整改 is done.
"""

from __future__ import annotations

from collections.abc import Iterable

from pingyi.rules.errors import Listing, RuleError, gettext_noop
from pingyi.rules.stages import FILED, RECEIVED

# What an opinion is about: seed 001 四's four criteria, and anything else.
LAW, EFFICIENCY, RESULTS, MECHANISM, OTHER = "law", "efficiency", "results", "mechanism", "other"
CATEGORIES = (LAW, EFFICIENCY, RESULTS, MECHANISM, OTHER)
CATEGORY_LABELS = {
    LAW: gettext_noop("Lawful administration (依法行政)"),
    EFFICIENCY: gettext_noop("Administrative efficiency (行政效能)"),
    RESULTS: gettext_noop("Work results (工作实绩)"),
    MECHANISM: gettext_noop("Working mechanisms (工作机制)"),
    OTHER: gettext_noop("Other (其他)"),
}

NEW, SORTED, DUPLICATE, MERGED = "new", "sorted", "duplicate", "merged"
STATUSES = (NEW, SORTED, DUPLICATE, MERGED)
KEPT = (NEW, SORTED)  # an opinion that stands for itself (and for its duplicates and merged)

ONLINE, PAPER = "online", "paper"
MAX_TEXT = 2000  # one opinion on one unit
MAX_ENTRIES = 200  # opinions on one form (one a unit)

E_TEXT = gettext_noop("an opinion is 1 to %(max)s characters")
E_NO_ENTRY = gettext_noop("write an opinion on at least one unit")
E_CATEGORY = gettext_noop("%(value)r is not a category; expected one of: %(expected)s")
E_NOT_KEPT = gettext_noop("this opinion is already a duplicate or merged into another")
E_SELF = gettext_noop("an opinion is not a duplicate of itself")
E_OTHER_UNIT = gettext_noop("a duplicate or merged opinion must be on the same unit")
E_FED_BACK = gettext_noop("the unit's opinions were fed back: they are not sorted again")
E_NOT_CLOSED = gettext_noop("close the collection of opinions first: some may still come")
E_UNSORTED = gettext_noop("%(count)s opinions of this unit are not sorted yet")
E_SUMMARY = gettext_noop("write the unit's summary (1 to 8000 characters)")
E_NOT_FED_BACK = gettext_noop("the office has not fed the opinions back to this unit yet")
E_ANSWER = gettext_noop("write the measures (1 to 4000 characters)")
E_UNANSWERED = gettext_noop("%(count)s fed-back opinions still wait for their measures")
E_REPORT_RECEIVED = gettext_noop("the office has received the report: it is not changed")
E_REPORT_NOT_FILED = gettext_noop("no rectification report has been filed")
E_CLOSED = gettext_noop("the collection of opinions is closed")


def check_text(text: str) -> str:
    value = text.strip()
    if not 1 <= len(value) <= MAX_TEXT:
        raise RuleError(E_TEXT, max=MAX_TEXT)
    return value


def category_of(value: str) -> str:
    """A category's code from its code or any part of its label (依法行政, Other …)."""
    text = value.strip().casefold()
    for code, label in CATEGORY_LABELS.items():
        if text and (text == code or text in label.casefold()):
            return code
    raise RuleError(E_CATEGORY, value=value[:40], expected=Listing(CATEGORIES))


def check_sortable(status: str, fed_back: bool) -> None:
    """Sorting, marking a duplicate and merging change a unit's opinions until feedback."""
    if fed_back:
        raise RuleError(E_FED_BACK)
    if status not in KEPT:
        raise RuleError(E_NOT_KEPT)


def check_feedback(*, closed: bool, unsorted: int, fed_back: bool) -> None:
    if fed_back:
        raise RuleError(E_FED_BACK)
    if not closed:
        raise RuleError(E_NOT_CLOSED)
    if unsorted:
        raise RuleError(E_UNSORTED, count=unsorted)


def check_answerable(*, fed_back: bool, status: str) -> None:
    if not fed_back:
        raise RuleError(E_NOT_FED_BACK)
    if status not in KEPT:
        raise RuleError(E_NOT_KEPT)


def check_report_fileable(*, fed_back: bool, unanswered: int, status: str | None) -> None:
    if not fed_back:
        raise RuleError(E_NOT_FED_BACK)
    if status == RECEIVED:
        raise RuleError(E_REPORT_RECEIVED)
    if unanswered:
        raise RuleError(E_UNANSWERED, count=unanswered)


def check_report_receivable(status: str | None) -> None:
    if status != FILED:
        raise RuleError(E_REPORT_NOT_FILED)


def entries_of(entries: Iterable[tuple[str, str]], units: Iterable[str]) -> list[tuple[str, str]]:
    """The non-empty (unit, text) of a form, every unit one of ``units``, each at most once."""
    known = set(units)
    found: dict[str, str] = {}
    for unit, text in entries:
        value = text.strip()
        if not value:
            continue
        if unit not in known:
            raise RuleError(gettext_noop("%(unit)r is not a unit of this campaign"), unit=unit[:40])
        found[unit] = check_text(value)
    if not found:
        raise RuleError(E_NO_ENTRY)
    if len(found) > MAX_ENTRIES:
        raise RuleError(E_NO_ENTRY)
    return list(found.items())
