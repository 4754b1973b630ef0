"""Reads of notices for the public page, the staff workplace, the API, exports and the CLI.

The public page of a notice costs a fixed number of queries however many units it lists:
the notice, its entries, its reviews, its public answers and the audit chain's head.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import groupby

from django.core.cache import cache
from django.db.models import F, QuerySet
from django.utils.translation import get_language, gettext

from pingyi.accounts.selectors import READ, AnyUser, organizations_for
from pingyi.audit.services import audit_head
from pingyi.ballots.models import BallotSeal
from pingyi.campaigns.models import Campaign
from pingyi.campaigns.selectors import campaigns_for
from pingyi.grading.models import GradingRound
from pingyi.notices.models import Notice, NoticeEntry, NoticeKind, Objection, Review
from pingyi.rules import phases
from pingyi.rules.grading import DECISION, GRADES
from pingyi.rules.tally import UnitResult, UnitSpec
from pingyi.voting import codes
from pingyi.voting.verify import campaign_reconcile

TRACKING_LENGTH = 12  # the code an objection's filer keeps: 59 bits, typed from a note
# A grading's notice of more organizations shows an index of its committees and one
# committee's table at a time (`?c=N`): a province's 3,000 organizations stay under 200 KB
# a page; the full list prints as PDF.
SPLIT_ABOVE = 300


def _fraction(text: str) -> Fraction | None:
    return Fraction(text) if text else None


def entry_results(entries: list[NoticeEntry]) -> list[UnitResult]:
    """Entries back to the tally's UnitResults, exactly (the rules decide flags on these)."""
    return [
        UnitResult(
            spec=UnitSpec(
                code=e.code,
                name=e.name,
                category=e.group,
                category_code=e.group_code,
                veto=e.veto,
            ),
            valid_ballots=e.valid_ballots or 0,
            counts=tuple(int(c) for c in e.counts),
            score=_fraction(e.score) or Fraction(0),
            mean_score=_fraction(e.mean_score),
            satisfaction_rate=_fraction(e.satisfaction_rate),
            rank=e.rank,
            flags=list(e.flags),
        )
        for e in entries
    ]


def _notices() -> QuerySet[Notice]:
    return Notice.objects.select_related("organization", "campaign", "grading_round")


def notices_for(user: AnyUser, roles: tuple[str, ...] = READ) -> QuerySet[Notice]:
    """The notices of the offices where ``user`` has one of ``roles`` (others: not found)."""
    return _notices().filter(organization__in=organizations_for(user, roles))


def notice_public_list() -> QuerySet[Notice]:
    return _notices().order_by("-opens_at")


def notice_of(
    *, campaign: Campaign | None = None, grading_round: GradingRound | None = None
) -> Notice | None:
    """The notice a campaign's result or a grading round's grades went on, if any."""
    if campaign is not None:
        return _notices().filter(campaign=campaign).first()
    return _notices().filter(grading_round=grading_round).first()


def notice_public_get(code: str) -> Notice | None:
    """A notice by its public code; a NUL in a code (PostgreSQL refuses one) finds nothing."""
    if "\x00" in code:
        return None
    # Every public page asks: the campaign alone beside it (its code and scheme are shown),
    # and a code is unique: no ordering to compile.
    found = Notice.objects.select_related("campaign").filter(code=code).order_by()[:1]
    return next(iter(found), None)


def notice_public_read(code: str) -> Notice | None:
    """The notice a reader opens (its public page): its own columns and its campaign's code
    (``campaign_code``, "" for a grading's), in one query written out — every reader asks,
    and the ORM's compiling would cost more than the query. The campaign itself is read
    when a page is rendered (its scheme), not for a page served as stored."""
    if "\x00" in code:
        return None
    notice, campaign = Notice._meta, Campaign._meta
    column = notice.get_field("campaign").column
    sql = (
        f"SELECT n.*, c.{campaign.get_field('code').column} AS campaign_code"  # noqa: S608
        f" FROM {notice.db_table} n LEFT JOIN {campaign.db_table} c"
        f" ON c.{campaign.pk.column} = n.{column}"
        f" WHERE n.{notice.get_field('code').column} = %s"
    )
    found = next(iter(Notice.objects.raw(sql, [code])), None)
    if found is not None and found.campaign_code is None:  # type: ignore[attr-defined]
        found.campaign_code = ""  # type: ignore[attr-defined]
    return found


def grade_counts(entries: list[NoticeEntry]) -> list[tuple[str, int]]:
    """(grade, organizations) for 好, 较好, 一般, 较差, in that order (a grading's notice)."""
    return [(g, sum(1 for e in entries if e.grade == g)) for g in GRADES]


@dataclass(frozen=True)
class Committee:
    """A grading notice's committee: its organizations and their counts per grade."""

    name: str
    entries: list[NoticeEntry]
    counts: list[tuple[str, int]]


@dataclass(frozen=True)
class PublicNotice:
    notice: Notice
    groups: list[tuple[str, list[NoticeEntry]]]
    reviews: list[Review]
    answers: list[Objection]
    head: str
    objections: int
    counts: list[tuple[str, int]] = field(default_factory=list)  # a grading: per grade
    committees: list[Committee] = field(default_factory=list)  # a grading: per committee

    @property
    def entries(self) -> list[NoticeEntry]:
        return [e for _group, rows in self.groups for e in rows]

    @property
    def split(self) -> bool:
        """A grading's notice too long for one page: read committee by committee."""
        return bool(self.committees) and len(self.entries) > SPLIT_ABOVE

    def committee(self, number: int) -> Committee | None:
        """The committee at ``number`` (1-based, in the notice's order), or None."""
        return self.committees[number - 1] if 1 <= number <= len(self.committees) else None

    @property
    def winners_to_rectify(self) -> str:
        """The names of units both 优胜单位 and 重点整改单位, joined ("" when none): the seed's
        rule allows it, and the notice explains it (issue 12)."""
        return "、".join(
            e.name for e in self.entries if "winner" in e.flags and "rectify" in e.flags
        )


def notice_entries(notice: Notice) -> QuerySet[NoticeEntry]:
    """Category by category in the scheme's order, each by rank (unranked last), then as
    listed; a grading's committee by committee, each as imported."""
    return notice.entries.order_by("group_position", F("rank").asc(nulls_last=True), "position")


def notice_public_page(notice: Notice, head: str | None = None) -> PublicNotice:
    """Everything the public page shows, in five queries however many entries (with the
    notice's own: six); three when the caller has the audit chain's ``head`` already."""
    entries = list(notice_entries(notice))
    groups = [(name, list(rows)) for name, rows in groupby(entries, key=lambda e: e.group)]
    reviews = list(notice.reviews.select_related("entry").order_by("at", "id"))
    objections = list(notice.objections.select_related("entry").order_by("filed_at", "id"))
    grading = notice.kind == NoticeKind.GRADING
    return PublicNotice(
        notice=notice,
        groups=groups,
        reviews=reviews,
        answers=[o for o in objections if o.answered_at is not None],
        head=audit_head() if head is None else head,
        objections=len(objections),
        counts=grade_counts(entries) if grading else [],
        committees=[Committee(n, rows, grade_counts(rows)) for n, rows in groups]
        if grading
        else [],
    )


def objection_choices(notice: Notice, committee: int | None) -> list[NoticeEntry] | None:
    """The entries an objection filed from a committee's page (``committee``, 1-based) may
    name: that committee's on a grading's notice read committee by committee, else every
    entry (None: the form reads them)."""
    if committee is None or notice.kind != NoticeKind.GRADING:
        return None
    entries = list(notice_entries(notice))
    if len(entries) <= SPLIT_ABOVE:
        return entries
    committees = [list(rows) for _name, rows in groupby(entries, key=lambda e: e.group)]
    return committees[committee - 1] if 1 <= committee <= len(committees) else entries


def objection_by_tracking(code: str) -> Objection | None:
    """The objection a tracking code was given for, or None (unknown and malformed alike)."""
    if not codes.plausible(code, TRACKING_LENGTH):
        return None
    return (
        Objection.objects.select_related("notice", "entry")
        .filter(digest=codes.digest(code))
        .first()
    )


def objection_list(notice: Notice) -> QuerySet[Objection]:
    return notice.objections.select_related("entry", "assignee").order_by("filed_at", "id")


def objection_get(notice: Notice, pk: int) -> Objection | None:
    return objection_list(notice).filter(pk=pk).first()


def gradings_to_publish(user: AnyUser, roles: tuple[str, ...]) -> QuerySet[GradingRound]:
    """Grading rounds of the user's offices at the decision step and not yet published."""
    return (
        GradingRound.objects.filter(
            organization__in=organizations_for(user, roles), status=DECISION, notice__isnull=True
        )
        .select_related("organization")
        .order_by("-year", "code")
    )


def campaigns_to_publish(user: AnyUser, roles: tuple[str, ...]) -> QuerySet[Campaign]:
    """Closed campaigns of the user's offices: each may go on notice."""
    return campaigns_for(user, roles).filter(status=phases.CLOSED).order_by("-year", "code")


@dataclass(frozen=True)
class LiveCounts:
    """The notice's reconciliation as the ballots stand now (R15), and the seal's digest."""

    online: int
    paper: int
    problems: tuple[str, ...]
    sealed: str  # the ballot set's digest sealed at close ("" if it was closed before seals)

    @property
    def reconciles(self) -> bool:
        return not self.problems


RECONCILE_SECONDS = 30  # counted again at most this often, for every reader at once


def notice_live_counts(notice: Notice) -> LiveCounts | None:
    """Computed from the stored ballots, not copied at publication: a ballot removed or added
    since shows here within RECONCILE_SECONDS. None for a grading's notice."""
    if notice.campaign_id is None:  # the campaign is read only when counting
        return None
    key = f"pingyi:notice-counts:{notice.pk}:{get_language()}"
    found: LiveCounts | None = cache.get(key)
    if found is None and notice.campaign is not None:
        check = campaign_reconcile(notice.campaign, counted=notice.ballots_counted)
        seal = BallotSeal.objects.filter(campaign=notice.campaign).first()
        found = LiveCounts(
            online=check.online,
            paper=check.paper,
            problems=tuple(gettext(p.template) % p.params for p in check.problems),
            sealed=seal.digest if seal else "",
        )
        cache.set(key, found, RECONCILE_SECONDS)
    return found
