"""Party-affairs disclosure (党务公开, P5, seed 004): approval, visibility and the calendar.

Plain Python, no Django. The approval chains of seed 004 (三(四) 工作程序): an item disclosed
to the public (or inside first, then to the public) is drafted, studied by the office meeting
(办公室主任会议), approved by the leading group (党务公开领导小组), then published; an item
disclosed inside the party only (党内公开) is decided by the party branch (办公室党支部研究决定)
and published inside. Revising a published item starts its chain again with the new text; the
published version stays visible until the revision is published.

Separation of duties: each step is recorded by another person than the one before it — who
drafted or edited the text does not record the next step, nor does anyone record two steps in
a row (so one person cannot carry an item through its chain alone).

The calendar: the quarterly disclosure day is the 15th of each quarter's first month (15
January, April, July, October). A periodic item is published once a quarter, by that quarter's
disclosure day; it is overdue the day after.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Hashable
from dataclasses import dataclass

from pingyi.rules.errors import RuleError, Term, gettext_noop

# The five content areas (seed 004, 三(二)).
CENTRAL_WORK = "central_work"
POLITICAL = "political_building"
ORGANIZATION = "organization_building"
CONDUCT = "conduct_building"
INSTITUTION = "institution_building"
AREAS = (CENTRAL_WORK, POLITICAL, ORGANIZATION, CONDUCT, INSTITUTION)

INTERNAL, EXTERNAL, INTERNAL_THEN_EXTERNAL = "internal", "external", "internal_then_external"
SCOPES = (INTERNAL, EXTERNAL, INTERNAL_THEN_EXTERNAL)

# The forms of disclosure (seed 004, 三(三) 主要形式). Inside the party: 党内会议, 下发文件,
# 工作通报, 党支部活动栏, 党员活动室, 文件集中阅览室. To the public: 党务政务公开栏, 大型电子
# 显示屏和触摸屏, 机关局域网, 党务政务公开网, 市长热线电话, 新闻媒体 (报纸、政府网、广播电视).
MEETING, DOCUMENT, BULLETIN = "meeting", "document", "bulletin"
BRANCH_BOARD, ACTIVITY_ROOM, READING_ROOM = "branch_board", "activity_room", "reading_room"
NOTICE_BOARD, SCREEN, INTRANET = "notice_board", "screen", "intranet"
WEBSITE, HOTLINE, MEDIA = "website", "hotline", "media"
INTERNAL_FORMS = (MEETING, DOCUMENT, BULLETIN, BRANCH_BOARD, ACTIVITY_ROOM, READING_ROOM)
PUBLIC_FORMS = (NOTICE_BOARD, SCREEN, INTRANET, WEBSITE, HOTLINE, MEDIA)
FORMS = INTERNAL_FORMS + PUBLIC_FORMS

# 常规性工作定期公开 (fixed: kept public; periodic: on the schedule), 阶段性工作逐段公开
# (staged: phase by phase, each phase with its stage report), 临时性工作及时公开 (ad hoc:
# published promptly).
FIXED, PERIODIC, AD_HOC, STAGED = "fixed", "periodic", "ad_hoc", "staged"
TIMELINESS = (FIXED, PERIODIC, AD_HOC, STAGED)
MAX_PHASES = 10

DRAFTED, OFFICE_MEETING, APPROVED, PUBLISHED = "drafted", "office_meeting", "approved", "published"
BRANCH_DECIDED = "branch_decided"
STATUSES = (DRAFTED, OFFICE_MEETING, APPROVED, BRANCH_DECIDED, PUBLISHED)
# The office chain (external, internal then external) and the party branch's (internal only).
NEXT = {DRAFTED: OFFICE_MEETING, OFFICE_MEETING: APPROVED, APPROVED: PUBLISHED}
BRANCH_NEXT = {DRAFTED: BRANCH_DECIDED, BRANCH_DECIDED: PUBLISHED}
STATUS_WORDS = {
    DRAFTED: gettext_noop("drafted"),
    OFFICE_MEETING: gettext_noop("studied by the office meeting"),
    APPROVED: gettext_noop("approved by the leading group"),
    BRANCH_DECIDED: gettext_noop("decided by the party branch"),
    PUBLISHED: gettext_noop("published"),
}

E_TRANSITION = gettext_noop("an item that is %(current)s cannot become %(target)s")
E_REVISE = gettext_noop("only a published item is revised; this one is %(current)s")
E_RELEASE = gettext_noop(
    "only a published item disclosed internally first is then opened to the public"
)
E_FEEDBACK_CLOSED = gettext_noop("feedback is taken on published items only")
E_ANSWERED = gettext_noop("this feedback has been answered already")
E_NO_FORM = gettext_noop("choose at least one form of disclosure")
E_UNKNOWN_FORM = gettext_noop("unknown form of disclosure %(form)s")
E_PUBLIC_FORM = gettext_noop(
    "an item disclosed inside the party only is not published through a public form: "
    "choose the party's meetings, documents, bulletins, board or rooms"
)
E_NEEDS_PUBLIC_FORM = gettext_noop(
    "an item disclosed to the public needs a public form (notice board, screen, intranet, "
    "website, hotline or the media)"
)
E_NEEDS_INTERNAL_FORM = gettext_noop(
    "an item disclosed inside the party first needs a form inside the party too"
)
E_PHASES = gettext_noop(
    "a staged item has %(least)s to %(most)s phases, each named once (e.g. before the "
    "decision, under way, the result)"
)
E_NOT_STAGED = gettext_noop("only a staged item has phases")
E_NEXT_PHASE = gettext_noop(
    "the next phase starts once the current phase is published; this item is %(current)s"
)
E_LAST_PHASE = gettext_noop("this item is in its last phase (%(phase)s)")
E_TERM = gettext_noop("the term ends on or after the day it starts")
E_SUPERVISOR_EMPTY = gettext_noop("give the supervisor's name and unit")
E_OWN_TEXT = gettext_noop(
    "%(actor)s drafted or edited this text, so another person must record the next step "
    "(%(target)s)"
)
E_TWO_STEPS = gettext_noop(
    "%(actor)s recorded the previous step (%(previous)s), so another person must record the "
    "next one (%(target)s)"
)


def status_word(status: str) -> Term:
    return Term(STATUS_WORDS.get(status, status))


def chain(scope: str) -> dict[str, str]:
    """The branch decides what is disclosed inside the party only; the office chain the rest."""
    return BRANCH_NEXT if scope == INTERNAL else NEXT


def next_status(scope: str, current: str) -> str | None:
    return chain(scope).get(current)


def check_transition(current: str, target: str, scope: str = EXTERNAL) -> None:
    """One step at a time along the item's chain: drafted → office meeting → leading-group
    approval → published; internal only: drafted → branch decision → published."""
    if next_status(scope, current) != target:
        raise RuleError(E_TRANSITION, current=status_word(current), target=status_word(target))


def check_separation(
    *, current: str, target: str, steps: list[tuple[str, str]], actor: str
) -> None:
    """``steps`` are (status, actor) of the chain under way (since the last publication, the
    drafting and every edit included), oldest first. Who drafted or edited the text does not
    record the step after drafted; nobody records the step after their own."""
    if current == DRAFTED:
        if actor in {who for status, who in steps if status == DRAFTED}:
            raise RuleError(E_OWN_TEXT, actor=actor, target=status_word(target))
    elif steps and steps[-1][1] == actor:
        raise RuleError(
            E_TWO_STEPS, actor=actor, previous=status_word(current), target=status_word(target)
        )


def check_revisable(current: str) -> None:
    if current != PUBLISHED:
        raise RuleError(E_REVISE, current=status_word(current))


def check_release(*, scope: str, has_version: bool, released: bool) -> None:
    if scope != INTERNAL_THEN_EXTERNAL or not has_version or released:
        raise RuleError(E_RELEASE)


def check_forms(scope: str, forms: list[str]) -> None:
    """Seed 004 三(三): what suits the party is disclosed through the party's own forms, what
    suits society through public ones. Inside only: no public form (it would disclose the item
    beyond the party); to the public: at least one public form; inside first, then outside:
    one form of each kind, one for each audience in turn."""
    if not forms:
        raise RuleError(E_NO_FORM)
    for form in forms:
        if form not in FORMS:
            raise RuleError(E_UNKNOWN_FORM, form=form)
    public = [f for f in forms if f in PUBLIC_FORMS]
    if scope == INTERNAL and public:
        raise RuleError(E_PUBLIC_FORM)
    if scope in (EXTERNAL, INTERNAL_THEN_EXTERNAL) and not public:
        raise RuleError(E_NEEDS_PUBLIC_FORM)
    if scope == INTERNAL_THEN_EXTERNAL and len(public) == len(forms):
        raise RuleError(E_NEEDS_INTERNAL_FORM)


def check_phases(timeliness: str, phases: list[str]) -> None:
    """A staged item (阶段性工作逐段公开) names its phases in order when drafted — two at
    least, each once; any other item has none."""
    if timeliness != STAGED:
        if phases:
            raise RuleError(E_NOT_STAGED)
        return
    names = [p.strip() for p in phases]
    if not 2 <= len(names) <= MAX_PHASES or "" in names or len(set(names)) != len(names):
        raise RuleError(E_PHASES, least=2, most=MAX_PHASES)


def check_next_phase(*, status: str, phase: int | None, phases: int, phase_name: str) -> None:
    """The next phase is opened (its stage report drafted) only after the current phase was
    published, and only when there is one."""
    if phase is None:
        raise RuleError(E_NOT_STAGED)
    if status != PUBLISHED:
        raise RuleError(E_NEXT_PHASE, current=status_word(status))
    if phase >= phases:
        raise RuleError(E_LAST_PHASE, phase=phase_name)


def check_term(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise RuleError(E_TERM)


def serving(*, start: dt.date, end: dt.date, today: dt.date) -> bool:
    """A supervisor serves from the first to the last day of the term, both included."""
    return start <= today <= end


def is_public(*, scope: str, released: bool) -> bool:
    """Whether anyone, signed in or not, may read the item's published versions."""
    return scope == EXTERNAL or (scope == INTERNAL_THEN_EXTERNAL and released)


def visible(*, scope: str, released: bool, member: bool) -> bool:
    """R17: an internal item is for the signed-in members of its organization only."""
    return member or is_public(scope=scope, released=released)


# --------------------------------------------------------------------------- the calendar

DISCLOSURE_DAY = 15


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def disclosure_day(year: int, quarter: int) -> dt.date:
    """The 15th of the quarter's first month."""
    return dt.date(year, 3 * (quarter - 1) + 1, DISCLOSURE_DAY)


def _following(year: int, quarter: int) -> tuple[int, int]:
    return (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def next_disclosure_day(today: dt.date) -> dt.date:
    """The disclosure day on or after ``today`` (the 15th itself is that day)."""
    year, quarter = quarter_of(today)
    day = disclosure_day(year, quarter)
    return day if today <= day else disclosure_day(*_following(year, quarter))


def due_date(*, created_on: dt.date, last_published_on: dt.date | None) -> dt.date:
    """When a periodic item must next be published.

    Published in a quarter (before or after its disclosure day): due on the next quarter's day.
    Never published: its creation quarter's day, or the next quarter's if created after it.
    """
    if last_published_on is not None:
        return disclosure_day(*_following(*quarter_of(last_published_on)))
    return next_disclosure_day(created_on)


def is_overdue(due: dt.date, today: dt.date) -> bool:
    """Due on the 15th: on time that day, overdue from the 16th."""
    return today > due


@dataclass(frozen=True)
class CalendarEntry:
    key: Hashable
    timeliness: str
    status: str
    due: dt.date | None  # periodic items only
    overdue: bool
    prompt: bool  # an ad hoc item approved and waiting: to be published promptly


def calendar(
    items: list[tuple[Hashable, str, str, dt.date, dt.date | None]], today: dt.date
) -> tuple[dt.date, list[CalendarEntry]]:
    """The next disclosure day and what is due by it, overdue first.

    ``items`` are (key, timeliness, status, created_on, last_published_on). Listed: periodic
    items due by the next disclosure day (overdue ones included), and ad hoc items approved
    but not yet published. Fixed items, once published, stay public and are never due again;
    unpublished fixed items are listed like ad hoc ones once approved.
    """
    day = next_disclosure_day(today)
    entries: list[CalendarEntry] = []
    for key, timeliness, status, created_on, last_published_on in items:
        if timeliness == PERIODIC:
            due = due_date(created_on=created_on, last_published_on=last_published_on)
            if due <= day:
                entries.append(
                    CalendarEntry(key, timeliness, status, due, is_overdue(due, today), False)
                )
        elif status == APPROVED:
            entries.append(CalendarEntry(key, timeliness, status, None, False, True))
    entries.sort(key=lambda e: (not e.overdue, e.due or day, str(e.key)))
    return day, entries


# --------------------------------------------------------------------------- tracking codes

# A feedback writer gets a tracking code once, like a receipt, and reads the answer with it
# later without signing in. 12 characters of a 31-letter alphabet without look-alikes (no
# 0/O, 1/I/L): 59 bits; lookups are rate-limited per address. Only a digest is stored.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 12


def tracking_normalise(code: str) -> str:
    """What a person typed → the code: case, spaces and hyphens do not matter, nor full-width
    letters typed with a Chinese input method (ＡＢＣＤ－２３４５)."""
    text = unicodedata.normalize("NFKC", code).upper()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def tracking_grouped(code: str) -> str:
    """ABCD2345EFGH → ABCD-2345-EFGH, for reading out and copying."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def tracking_plausible(code: str) -> bool:
    text = tracking_normalise(code)
    return len(text) == TRACKING_LENGTH and all(ch in TRACKING_ALPHABET for ch in text)


def tracking_digest(code: str) -> str:
    return hashlib.sha256(tracking_normalise(code).encode("ascii")).hexdigest()
