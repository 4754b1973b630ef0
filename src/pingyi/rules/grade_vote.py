"""The members' vote on the grade (等级测评) and the list of who takes part (测评人员名单),
seed 003, in exact arithmetic.

第四篇 (二): at the 测评会 the members, the masses' representatives and the 两代表一委员 hear
the organization's report and its self-grading, then grade it by secret ballot (以无记名测评
方式评定党组织等级); the organization forms its grading opinion from the result.

第一篇 2: of those who take part, members : non-members is generally about 1:1; the list is
approved by the assessment group (考核组); every member takes part (党员应全部参加).

"Generally" is a default with a recorded reason to depart: a list whose ratio of members to
non-members lies outside the round's tolerance (by default 2:3 to 3:2, both ends included)
needs a reason; a list missing members needs the number absent and why (illness, absence …);
a committee whose grade differs from the members' vote records why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from pingyi.rules.errors import Listing, RuleError, gettext_noop
from pingyi.rules.grading import GRADES

# Who is on a list, by kind: party members of the organization, then the non-members.
MEMBERS, MASSES, DEPUTIES, OTHERS = "members", "masses", "deputies", "others"
KINDS = (MEMBERS, MASSES, DEPUTIES, OTHERS)
KIND_LABELS: Mapping[str, str] = {
    MEMBERS: "党员",
    MASSES: "群众代表",
    DEPUTIES: "“两代表一委员”",
    OTHERS: "服务对象及其他",
}
NON_MEMBER_KINDS = (MASSES, DEPUTIES, OTHERS)

DEFAULT_RATIO_MIN = Fraction(2, 3)
DEFAULT_RATIO_MAX = Fraction(3, 2)

E_MEMBERS_UNKNOWN = gettext_noop(
    "the number of party members of %(orgs)s is not recorded: record it before the list"
)
E_NEGATIVE = gettext_noop("the counts on a list are whole numbers, 0 or more")
E_TOO_MANY_MEMBERS = gettext_noop(
    "the list has %(listed)s party members, but the organization has only %(members)s"
)
E_MEMBERS_MISSING = gettext_noop(
    "every party member takes part: %(missing)s of %(members)s are not on the list; give the "
    "number absent (%(missing)s) and why (illness, absence …)"
)
E_ABSENT_WITHOUT_MISSING = gettext_noop(
    "%(absent)s absent are given, but %(missing)s members are missing from the list"
)
E_NO_NON_MEMBERS = gettext_noop(
    "the list has no non-members: members and non-members are about 1:1 unless a reason is recorded"
)
E_RATIO = gettext_noop(
    "members : non-members is %(members)s : %(others)s, outside %(low)s to %(high)s: record "
    "the reason for departing from about 1:1"
)
E_EMPTY_LIST = gettext_noop("the list is empty")
E_TOLERANCE = gettext_noop(
    "the tolerance of members : non-members runs from a ratio at most 1:1 to one at least 1:1, "
    "both above 0"
)


@dataclass(frozen=True)
class ParticipantCounts:
    """A list as counts by kind (names stay on paper: the ballot is secret), the members
    absent with why, and the reason for a ratio outside the tolerance."""

    members: int
    masses: int = 0
    deputies: int = 0
    others: int = 0
    absent: int = 0
    absent_reason: str = ""
    ratio_reason: str = ""

    @property
    def non_members(self) -> int:
        return self.masses + self.deputies + self.others

    @property
    def size(self) -> int:
        """How many take part: the number of ballot codes the list allows."""
        return self.members + self.non_members

    def count(self, kind: str) -> int:
        return int(getattr(self, kind))


def ratio_text(value: Fraction) -> str:
    """A ratio as members : non-members in lowest terms (3/2 → "3:2")."""
    return f"{value.numerator}:{value.denominator}"


def check_tolerance(low: Fraction, high: Fraction) -> None:
    if not (0 < low <= 1 <= high):
        raise RuleError(E_TOLERANCE)


def members_ratio(counts: ParticipantCounts) -> Fraction | None:
    """members / non-members, exact; None when the list has no non-members."""
    if counts.non_members == 0:
        return None
    return Fraction(counts.members, counts.non_members)


def ratio_within(counts: ParticipantCounts, low: Fraction, high: Fraction) -> bool:
    ratio = members_ratio(counts)
    return ratio is not None and low <= ratio <= high


def missing_members(counts: ParticipantCounts, org_members: int) -> int:
    return max(org_members - counts.members, 0)


def list_problems(
    counts: ParticipantCounts,
    org_members: int | None,
    *,
    low: Fraction = DEFAULT_RATIO_MIN,
    high: Fraction = DEFAULT_RATIO_MAX,
    orgs: Sequence[str] = (),
) -> list[RuleError]:
    """Why the list cannot stand (empty: it can). ``org_members`` is the number of party
    members of the organizations the list covers (None: not recorded)."""
    found: list[RuleError] = []
    if any(counts.count(k) < 0 for k in KINDS) or counts.absent < 0:
        return [RuleError(E_NEGATIVE)]
    if counts.size == 0:
        return [RuleError(E_EMPTY_LIST)]
    if org_members is None:
        return [RuleError(E_MEMBERS_UNKNOWN, orgs=Listing(orgs))]
    if counts.members > org_members:
        found.append(RuleError(E_TOO_MANY_MEMBERS, listed=counts.members, members=org_members))
    missing = missing_members(counts, org_members)
    if missing and (counts.absent != missing or not counts.absent_reason.strip()):
        found.append(RuleError(E_MEMBERS_MISSING, missing=missing, members=org_members))
    elif counts.absent and not missing:
        found.append(RuleError(E_ABSENT_WITHOUT_MISSING, absent=counts.absent, missing=missing))
    if not ratio_within(counts, low, high) and not counts.ratio_reason.strip():
        if counts.non_members == 0:
            found.append(RuleError(E_NO_NON_MEMBERS))
        else:
            found.append(
                RuleError(
                    E_RATIO,
                    members=counts.members,
                    others=counts.non_members,
                    low=ratio_text(low),
                    high=ratio_text(high),
                )
            )
    return found


# ------------------------------------------------------------------------------ the vote


@dataclass(frozen=True)
class VoteResult:
    """One organization's votes: a count per grade (GRADES order) and the abstentions.

    Shares are of the votes cast for a grade (abstentions left out), exact; ``top`` holds the
    grade with the most votes — several when tied, none when nobody voted for a grade."""

    counts: tuple[int, ...]
    abstain: int

    @property
    def votes(self) -> int:
        return sum(self.counts)

    @property
    def ballots(self) -> int:
        return self.votes + self.abstain

    def count(self, grade: str) -> int:
        return self.counts[GRADES.index(grade)]

    def share(self, grade: str) -> Fraction | None:
        return Fraction(self.count(grade), self.votes) if self.votes else None

    @property
    def shares(self) -> dict[str, Fraction | None]:
        return {g: self.share(g) for g in GRADES}

    @property
    def top(self) -> tuple[str, ...]:
        if not self.votes:
            return ()
        most = max(self.counts)
        return tuple(g for g, n in zip(GRADES, self.counts, strict=True) if n == most)

    @property
    def grade(self) -> str | None:
        """The grade of the vote when one grade has the most votes; None when tied or empty."""
        top = self.top
        return top[0] if len(top) == 1 else None

    @property
    def top_text(self) -> str:
        """The vote's grade as the tables print it: "好", or "好/较好" when tied."""
        return "/".join(self.top)

    def agrees(self, grade: str | None) -> bool:
        """Whether ``grade`` is the vote's (one of the tied top grades counts as agreeing)."""
        return grade is not None and grade in self.top


def vote_result(counts: Sequence[int], abstain: int = 0) -> VoteResult:
    if len(counts) != len(GRADES) or any(n < 0 for n in counts) or abstain < 0:
        raise ValueError("a vote result has one count of 0 or more per grade")
    return VoteResult(tuple(int(n) for n in counts), int(abstain))


def departs(result: VoteResult | None, grade: str | None) -> bool:
    """Whether a committee's ``grade`` departs from the members' vote and so needs a reason."""
    return (
        result is not None and result.votes > 0 and grade is not None and not result.agrees(grade)
    )


# ------------------------------------------------------------------------------ the ballots

E_PAPER_NO_LIST = gettext_noop(
    "paper ballots of a grade vote are imported only against an approved participant list; "
    "%(campaign)s has none"
)
E_PAPER_OVER_LIST = gettext_noop(
    "the approved participant list holds %(participants)s people, and %(online)s ballots were "
    "cast online and %(paper)s imported on paper already: %(new)s more paper ballots would "
    "make %(total)s; at most %(left)s more can be imported"
)


def check_ballot_cap(*, participants: int, online: int, paper: int, new: int) -> None:
    """Every member takes part and the list is approved by the assessment group (第四篇,
    第一篇 2): the ballots of a grade vote — cast online plus imported on paper — never
    outnumber the people on its approved list. ``paper`` is what was imported before,
    ``new`` what an import adds."""
    total = online + paper + new
    if new > 0 and total > participants:
        raise RuleError(
            E_PAPER_OVER_LIST,
            participants=participants,
            online=online,
            paper=paper,
            new=new,
            total=total,
            left=max(participants - online - paper, 0),
        )
