"""The clean-up of appraisal, target-attainment and commendation projects (P5, seeds 000 and 002).

Plain Python, no Django. Who may decide what is the services' business; what the rules decide:

- which decision each project's facts suggest, and every rule that fired (:func:`suggest_all`);
- whether a reviewer's decision may stand (:func:`check_decision`): differing from the
  suggestion needs a recorded reason, a merge needs a target that will survive;
- the rounds of seed 000 and the only moves between them (:func:`check_round_transition`);
- the flags of a project registered while the clean-up runs (:func:`new_project_flags`);
- the statistics: kept, merged, cancelled, the reduction rate against the target (exact
  Fractions; :func:`tally`, :func:`percent_text`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from pingyi.rules.errors import RuleError, Term, gettext_noop

# --------------------------------------------------------------------------- vocabularies

# Decisions (保留 / 合并 / 撤销).
KEEP, MERGE, CANCEL = "keep", "merge", "cancel"
DECISIONS = (KEEP, MERGE, CANCEL)
DECISION_WORDS = {KEEP: "保留", MERGE: "合并", CANCEL: "撤销"}
# The bulk action's fourth choice: each project takes its latest earlier decision again.
CARRY_OVER = "carry_over"

# What kind of document the project rests on. Only the first four count as a basis (seed 000,
# 二(二)2(2)): "没有法律、行政法规、中央文件明确规定，或者未经中央、省批准 … 予以撤销".
LAW = "law"
REGULATION = "administrative_regulation"
CENTRAL_DOCUMENT = "central_document"
PROVINCIAL_APPROVAL = "provincial_approval"
LOCAL_DOCUMENT = "local_document"  # a document of the city or below: no basis in the sense above
NO_BASIS = "none"
BASIS_KINDS = (LAW, REGULATION, CENTRAL_DOCUMENT, PROVINCIAL_APPROVAL, LOCAL_DOCUMENT, NO_BASIS)
QUALIFYING_BASIS = frozenset({LAW, REGULATION, CENTRAL_DOCUMENT, PROVINCIAL_APPROVAL})
BASIS_WORDS = {
    LAW: "法律",
    REGULATION: "行政法规",
    CENTRAL_DOCUMENT: "中央文件",
    PROVINCIAL_APPROVAL: "经中央或省批准",
    LOCAL_DOCUMENT: "本地文件",
    NO_BASIS: "无",
}

# The organizer's system. Seed 000 (二(二)2(3)): "市级及市以下党委、人大、政协和人民法院、人民检察院
# 及其直属单位不再保留自行设置的评比达标表彰项目" — a directly affiliated unit is registered
# under the system of the body it belongs to.
PARTY_COMMITTEE = "party_committee"
PEOPLES_CONGRESS = "peoples_congress"
CPPCC = "cppcc"
COURT = "court"
PROCURATORATE = "procuratorate"
GOVERNMENT = "government"
MASS_ORGANIZATION = "mass_organization"
OTHER_ORGANIZER = "other"
ORGANIZER_KINDS = (
    PARTY_COMMITTEE,
    PEOPLES_CONGRESS,
    CPPCC,
    COURT,
    PROCURATORATE,
    GOVERNMENT,
    MASS_ORGANIZATION,
    OTHER_ORGANIZER,
)
ORGANIZER_WORDS = {
    PARTY_COMMITTEE: "党委",
    PEOPLES_CONGRESS: "人大",
    CPPCC: "政协",
    COURT: "法院",
    PROCURATORATE: "检察院",
    GOVERNMENT: "政府部门",
    MASS_ORGANIZATION: "人民团体",
    OTHER_ORGANIZER: "其他",
}
NO_SELF_ESTABLISHED = frozenset({PARTY_COMMITTEE, PEOPLES_CONGRESS, CPPCC, COURT, PROCURATORATE})

NATIONAL, PROVINCIAL, CITY, COUNTY, TOWNSHIP = (
    "national",
    "provincial",
    "city",
    "county",
    "township",
)
LEVELS = (NATIONAL, PROVINCIAL, CITY, COUNTY, TOWNSHIP)
LEVEL_WORDS = {
    NATIONAL: "全国",
    PROVINCIAL: "省级",
    CITY: "市级",
    COUNTY: "县级",
    TOWNSHIP: "乡镇级",
}
CITY_OR_BELOW = frozenset({CITY, COUNTY, TOWNSHIP})

# The rules, by code. Each suggestion names every one that fired.
R_NO_BASIS = "no_basis"
R_FEES_OR_BURDEN = "fees_or_burden"
R_IMPROPER_SPENDING = "improper_spending"
R_SELF_ESTABLISHED = "self_established_local"
R_DUPLICATE = "duplicate"
RULE_TEXTS = {
    R_NO_BASIS: gettext_noop(
        "no basis in a law, an administrative regulation, a central document or a central or "
        "provincial approval: cancel"
    ),
    R_FEES_OR_BURDEN: gettext_noop(
        "charges fees or makes the grassroots, enterprises or the public pay in money, goods "
        "or labour: cancel"
    ),
    R_IMPROPER_SPENDING: gettext_noop(
        "hands out money or goods against the financial rules: cancel"
    ),
    R_SELF_ESTABLISHED: gettext_noop(
        "set up on its own by a party committee, people's congress, CPPCC, court or "
        "procuratorate at city level or below: cancel"
    ),
    R_DUPLICATE: gettext_noop(
        "the same organizer runs another project for the same target group: merge"
    ),
}
CANCEL_RULES = (R_NO_BASIS, R_FEES_OR_BURDEN, R_IMPROPER_SPENDING, R_SELF_ESTABLISHED)

# Rounds of seed 000 (三、实施步骤): 自查自纠 → 初步审核 → 联席会议审议 → 上级反馈后调整 → 公示.
SELF_CHECK = "self_check"
INITIAL_AUDIT = "initial_audit"
JOINT_MEETING = "joint_meeting"
HIGHER_ADJUSTMENT = "higher_adjustment"
PUBLISHED = "published"
ROUNDS = (SELF_CHECK, INITIAL_AUDIT, JOINT_MEETING, HIGHER_ADJUSTMENT, PUBLISHED)
NEXT_ROUND = dict(itertools.pairwise(ROUNDS))
DECIDING_ROUNDS = ROUNDS[:-1]
# Rounds that every project must have a decision in before the next one starts. The higher
# level's adjustment changes only some projects: the others keep the joint meeting's decision.
COMPLETE_ROUNDS = frozenset({SELF_CHECK, INITIAL_AUDIT, JOINT_MEETING})
UNIT_ROUNDS = frozenset({SELF_CHECK})  # the registering unit proposes; the office decides after
ROUND_WORDS = {
    SELF_CHECK: gettext_noop("self-check"),
    INITIAL_AUDIT: gettext_noop("initial audit"),
    JOINT_MEETING: gettext_noop("joint meeting"),
    HIGHER_ADJUSTMENT: gettext_noop("adjustment by the higher level"),
    PUBLISHED: gettext_noop("published"),
}

DEFAULT_TARGET = Fraction(7, 10)  # seed 002: "力求减幅达70%以上"

# Projects outside the clean-up (seed 000 二(一)): "以本机关和单位工作人员为评选对象的项目，如公务员
# 年度考核、政绩考核、目标考核、责任制考核、效能考核等项目，以及纯业务性质的资质评定、技术考核、等级
# 评定等项目，不列入清理规范工作范围". An excluded project is listed, not decided, not counted.
X_STAFF_ASSESSMENT = "staff_assessment"
X_BUSINESS_RATING = "business_rating"
X_OTHER = "other"
EXCLUSIONS = (X_STAFF_ASSESSMENT, X_BUSINESS_RATING, X_OTHER)
EXCLUSION_WORDS = {
    X_STAFF_ASSESSMENT: "以本机关和单位工作人员为评选对象（公务员年度考核、政绩考核、目标考核、"
    "责任制考核、效能考核等）",
    X_BUSINESS_RATING: "纯业务性质的资质评定、技术考核、等级评定",
    X_OTHER: "其他不属于清理范围的情形",
}

# A code (of a clean-up or a registering unit) as an office writes it: letters of any script,
# digits, "-" and "_" — "省委-01", "市委组织部" — and nothing that breaks an address.
CODE_MAX = 60
_CODE = re.compile(r"[-\w]+")

# Flags of a project registered while the clean-up runs (seed 000 四(二): "清理规范工作期间 …
# 一律不得举办新的评比达标表彰活动").
F_NEW = "new_during_cleanup"  # set up on or after the day the clean-up started
F_LATE = "registered_late"  # registered after the self-check round
FLAG_TEXTS = {
    F_NEW: gettext_noop("set up during the clean-up: no new project may start"),
    F_LATE: gettext_noop("registered after the self-check"),
}

# --------------------------------------------------------------------------- messages

E_ROUND_MOVE = gettext_noop("the clean-up is at the %(current)s round; it cannot go to %(target)s")
E_ROUND_UNDECIDED = gettext_noop(
    "%(count)s project(s) have no decision in the %(current)s round yet"
)
E_NOT_DECIDING = gettext_noop("no decisions at the %(current)s round")
E_NO_REASON = gettext_noop(
    "the decision differs from the suggestion (%(suggested)s): record the reason"
)
E_MERGE_NEEDS_TARGET = gettext_noop("a merge needs the project it merges into")
E_TARGET_ONLY_FOR_MERGE = gettext_noop("only a merge names a project to merge into")
E_MERGE_SELF = gettext_noop("a project cannot merge into itself")
E_MERGE_TARGET_GONE = gettext_noop(
    "the project %(target)r is itself to be merged or cancelled: merge into a kept project"
)
E_PUBLISH_TARGETS = gettext_noop(
    "%(project)r merges into %(target)r, which is not kept: correct it before publishing"
)
E_UNKNOWN_DECISION = gettext_noop("unknown decision %(value)r; expected keep, merge or cancel")
E_TARGET = gettext_noop("the target %(value)r is not a share above 0%% and at most 100%%")
E_CODE = gettext_noop(
    "the code %(code)r: use letters (Chinese too), digits, - or _, at most %(max)s characters"
)
E_EXCLUSION = gettext_noop("unknown reason for leaving a project out: %(value)r")
E_EXCLUSION_NOTE = gettext_noop("say why the project is out of the clean-up's scope")
E_EXCLUDED = gettext_noop("%(project)r is out of the clean-up's scope: it takes no decision")
E_BELOW_TARGET = gettext_noop(
    "the reduction rate %(rate)s is below the target %(target)s: record the reason to publish"
)


def _round(name: str) -> Term:
    return Term(ROUND_WORDS.get(name, name))


def check_code(code: str, *, limit: int = CODE_MAX) -> str:
    """The code as stored (spaces around it dropped), or RuleError."""
    text = code.strip()
    if not text or len(text) > limit or not _CODE.fullmatch(text):
        raise RuleError(E_CODE, code=code, max=limit)
    return text


def check_exclusion(reason: str, note: str) -> None:
    """A reason of seed 000's; "other" needs its note."""
    if reason not in EXCLUSIONS:
        raise RuleError(E_EXCLUSION, value=reason)
    if reason == X_OTHER and not note.strip():
        raise RuleError(E_EXCLUSION_NOTE)


def check_publication(rate: Fraction | None, target: Fraction, reason: str) -> bool:
    """Whether the kept list goes out below the target; below it, a reason is required
    (seed 000 asks for 大幅减少 and the target says how much: 70 %). No rate (nothing
    registered) is not below."""
    below = rate is not None and rate < target
    if below and not reason.strip():
        raise RuleError(E_BELOW_TARGET, rate=percent_text(rate), target=percent_text(target))
    return below


# --------------------------------------------------------------------------- suggestions


@dataclass(frozen=True)
class ProjectFacts:
    """What the rules look at. ``key`` identifies the project; ``order`` is its registration
    order (the first of a duplicate pair is the one the later ones merge into)."""

    key: Hashable
    order: int
    organizer: str
    organizer_kind: str
    level: str
    target_group: str
    self_established: bool
    basis_kind: str
    charges_fees: bool = False
    burdens_money: bool = False
    burdens_goods: bool = False
    burdens_labour: bool = False
    improper_spending: bool = False


@dataclass(frozen=True)
class Suggestion:
    decision: str
    rules: tuple[str, ...]  # every rule that fired, in RULE_TEXTS order
    merge_into: Hashable | None = None

    @property
    def word(self) -> str:
        """保留 / 合并 / 撤销; "—" for a project out of scope (no suggestion)."""
        return DECISION_WORDS.get(self.decision, "—")


def cancel_rules(facts: ProjectFacts) -> list[str]:
    """The cancel rules that fire for one project, without looking at the others."""
    fired: list[str] = []
    if facts.basis_kind not in QUALIFYING_BASIS:
        fired.append(R_NO_BASIS)
    if facts.charges_fees or facts.burdens_money or facts.burdens_goods or facts.burdens_labour:
        fired.append(R_FEES_OR_BURDEN)
    if facts.improper_spending:
        fired.append(R_IMPROPER_SPENDING)
    if (
        facts.self_established
        and facts.organizer_kind in NO_SELF_ESTABLISHED
        and facts.level in CITY_OR_BELOW
    ):
        fired.append(R_SELF_ESTABLISHED)
    return fired


def _same(text: str) -> str:
    """Names compared as people write them: white space and case do not matter."""
    return "".join(text.split()).casefold()


def suggest_all(projects: Iterable[ProjectFacts]) -> dict[Hashable, Suggestion]:
    """The suggestion for every project of one clean-up.

    A cancel rule wins over everything. A project that no cancel rule touches merges into the
    first-registered project of the same organizer and target group that no cancel rule touches
    either (seed 000: "可以合并的项目，要一律予以合并"); a cancelled project that has such a
    twin also lists the duplicate rule, so a reviewer who keeps it sees why it should merge.
    """
    ordered = sorted(projects, key=lambda p: p.order)
    fired = {p.key: cancel_rules(p) for p in ordered}
    first: dict[tuple[str, str], ProjectFacts] = {}
    for project in ordered:
        if not fired[project.key]:
            first.setdefault((_same(project.organizer), _same(project.target_group)), project)
    result: dict[Hashable, Suggestion] = {}
    for project in ordered:
        twin = first.get((_same(project.organizer), _same(project.target_group)))
        rules = list(fired[project.key])
        if twin is not None and twin.key != project.key:
            rules.append(R_DUPLICATE)
        if fired[project.key]:
            result[project.key] = Suggestion(CANCEL, tuple(rules))
        elif twin is not None and R_DUPLICATE in rules:
            result[project.key] = Suggestion(MERGE, tuple(rules), twin.key)
        else:
            result[project.key] = Suggestion(KEEP, ())
    return result


# --------------------------------------------------------------------------- decisions


def check_decision(
    *,
    project: Hashable,
    decision: str,
    suggestion: Suggestion,
    reason: str,
    merge_into: Hashable | None = None,
    target_decision: str | None = None,
) -> bool:
    """Refuses a decision that may not stand; returns whether it differs from the suggestion.

    ``target_decision`` is the merge target's current decision (None: not decided yet). A
    merge into a project itself merged or cancelled would leave a chain: refused. Differing
    from the suggestion (a different decision, or a merge into another project) needs a reason.
    """
    if decision not in DECISIONS:
        raise RuleError(E_UNKNOWN_DECISION, value=decision)
    if decision == MERGE:
        if merge_into is None:
            raise RuleError(E_MERGE_NEEDS_TARGET)
        if merge_into == project:
            raise RuleError(E_MERGE_SELF)
        if target_decision in (MERGE, CANCEL):
            raise RuleError(E_MERGE_TARGET_GONE, target=str(merge_into))
    elif merge_into is not None:
        raise RuleError(E_TARGET_ONLY_FOR_MERGE)
    differs = decision != suggestion.decision or (
        decision == MERGE and merge_into != suggestion.merge_into
    )
    if differs and not reason.strip():
        raise RuleError(E_NO_REASON, suggested=suggestion.word)
    return differs


def check_merge_targets(
    decisions: Mapping[Hashable, tuple[str, Hashable | None]],
    names: Mapping[Hashable, str] | None = None,
) -> None:
    """Before publication: every merged project merges into a project that is kept.

    ``decisions`` maps each project to its effective (decision, merge target); ``names`` says
    how a project reads in the message (its key otherwise)."""
    label = names or {}
    for project, (decision, target) in decisions.items():
        if decision != MERGE:
            continue
        target_decision = decisions.get(target, ("", None))[0] if target is not None else ""
        if target_decision != KEEP:
            raise RuleError(
                E_PUBLISH_TARGETS,
                project=label.get(project, str(project)),
                target=label.get(target, str(target)) if target is not None else "",
            )


def effective(by_round: dict[str, tuple[str, Hashable | None]]) -> tuple[str, Hashable | None]:
    """A project's decision: that of the latest round that decided it; ("", None) if none."""
    for name in reversed(DECIDING_ROUNDS):
        if name in by_round:
            return by_round[name]
    return ("", None)


# --------------------------------------------------------------------------- rounds


def check_round_transition(current: str, target: str, *, undecided: int) -> None:
    """Only to the next round; a round that needs every project decided must have them all."""
    if NEXT_ROUND.get(current) != target:
        raise RuleError(E_ROUND_MOVE, current=_round(current), target=_round(target))
    if current in COMPLETE_ROUNDS and undecided:
        raise RuleError(E_ROUND_UNDECIDED, count=undecided, current=_round(current))


def check_deciding(current: str) -> None:
    if current not in DECIDING_ROUNDS:
        raise RuleError(E_NOT_DECIDING, current=_round(current))


def new_project_flags(
    *, established_on: dt.date | None, cleanup_started_on: dt.date, current_round: str
) -> list[str]:
    """Why a project registered now stands out: set up after the clean-up began, or late."""
    flags: list[str] = []
    if established_on is not None and established_on >= cleanup_started_on:
        flags.append(F_NEW)
    if current_round != SELF_CHECK:
        flags.append(F_LATE)
    return flags


def is_suspended(basis_kind: str, current_round: str) -> bool:
    """Seed 000 四(二): until the clean-up ends, a project without a law, regulation, central
    document or provincial approval is suspended (原则上暂停举办) pending review."""
    return current_round != PUBLISHED and basis_kind not in QUALIFYING_BASIS


# --------------------------------------------------------------------------- statistics


@dataclass(frozen=True)
class ProjectOutcome:
    group: str  # the registering unit
    decision: str  # KEEP, MERGE, CANCEL or "" (not decided yet)
    suspended: bool = False
    flagged: bool = False
    money_saved: Decimal | None = None
    excluded: bool = False  # out of the clean-up's scope: listed, not counted


@dataclass
class Tally:
    """``registered`` counts the projects in scope; ``excluded`` those left out of it."""

    registered: int = 0
    excluded: int = 0
    kept: int = 0
    merged: int = 0
    cancelled: int = 0
    undecided: int = 0
    suspended: int = 0
    flagged: int = 0
    money_saved: Decimal = field(default_factory=lambda: Decimal(0))
    target: Fraction = DEFAULT_TARGET

    @property
    def reduced(self) -> int:
        return self.merged + self.cancelled

    @property
    def reduction_rate(self) -> Fraction | None:
        """(merged + cancelled) ÷ registered; None with nothing registered."""
        return Fraction(self.reduced, self.registered) if self.registered else None

    @property
    def target_met(self) -> bool | None:
        rate = self.reduction_rate
        return None if rate is None else rate >= self.target

    def add(self, outcome: ProjectOutcome) -> None:
        if outcome.excluded:
            self.excluded += 1
            return
        self.registered += 1
        if outcome.decision == KEEP:
            self.kept += 1
        elif outcome.decision == MERGE:
            self.merged += 1
        elif outcome.decision == CANCEL:
            self.cancelled += 1
        else:
            self.undecided += 1
        self.suspended += outcome.suspended
        self.flagged += outcome.flagged
        if outcome.money_saved is not None:
            self.money_saved += outcome.money_saved


def tally(
    outcomes: Sequence[ProjectOutcome], *, target: Fraction = DEFAULT_TARGET
) -> tuple[dict[str, Tally], Tally]:
    """Per registering unit (in order of first appearance) and in total."""
    groups: dict[str, Tally] = {}
    total = Tally(target=target)
    for outcome in outcomes:
        groups.setdefault(outcome.group, Tally(target=target)).add(outcome)
        total.add(outcome)
    return groups, total


def percent_text(rate: Fraction | None, decimals: int = 1) -> str:
    """71.4%: rounded half up on the exact value (2/3 → 66.7%); "—" for no rate."""
    if rate is None:
        return "—"
    scale = 10**decimals
    tenths = rate * 100 * scale
    whole = int(tenths + Fraction(1, 2)) if tenths >= 0 else -int(-tenths + Fraction(1, 2))
    text = f"{abs(whole) // scale}"
    if decimals:
        text += f".{abs(whole) % scale:0{decimals}d}"
    return ("-" if whole < 0 else "") + text + "%"


def parse_target(text: str) -> Fraction:
    """A target as typed: "70%", "0.7" or "7/10"; it must lie in (0, 1]."""
    raw = text.strip().rstrip("%").strip()
    try:
        value = Fraction(raw)
    except (ValueError, ZeroDivisionError) as exc:
        raise RuleError(E_TARGET, value=text) from exc
    if text.strip().endswith("%"):
        value /= 100
    if not 0 < value <= 1:
        raise RuleError(E_TARGET, value=text)
    return value
