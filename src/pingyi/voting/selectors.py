"""Reads for the evaluator's pages and the collection dashboard."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Count, Q
from django.utils.translation import gettext

from pingyi.ballots.models import Ballot, BallotSource
from pingyi.campaigns.models import Campaign, Unit
from pingyi.campaigns.selectors import campaign_scheme, campaign_units
from pingyi.rules.scheme import Criterion, Mark
from pingyi.voting.verify import campaign_reconcile


@dataclass(frozen=True)
class BallotForm:
    campaign: Campaign
    marks: tuple[Mark, ...]
    categories: list[tuple[str, list[Unit]]]
    blank_invalid: bool = True
    criteria: tuple[Criterion, ...] = ()  # what to judge by (seed 001 四), shown folded

    def counts(self, chosen: Mapping[str, str]) -> bool:
        """Whether a ballot of these mark codes is valid: under the seed's rule one with no mark
        but 弃权 or blank is an invalid (blank) ballot, recorded and not counted."""
        if not self.blank_invalid:
            return True
        opinions = {m.code for m in self.marks if not m.abstain}
        return any(mark in opinions for mark in chosen.values())


def ballot_form(campaign: Campaign) -> BallotForm:
    """The units to mark, grouped by category in the scheme's order."""
    scheme = campaign_scheme(campaign)
    units = campaign_units(campaign)
    categories: list[tuple[str, list[Unit]]] = []
    for category in campaign.categories.order_by("position"):
        members = [u for u in units if u.category_id == category.pk]
        if members:
            categories.append((category.name, members))
    return BallotForm(
        campaign=campaign,
        marks=scheme.marks,
        categories=categories,
        blank_invalid=scheme.blank_ballot_invalid,
        criteria=scheme.criteria,
    )


@dataclass(frozen=True)
class GroupCollection:
    name: str
    target_share: str
    tokens_issued: int  # withdrawn codes not included
    tokens_used: int
    paper: int
    received: int
    tokens_withdrawn: int = 0

    @property
    def response_rate(self) -> Fraction | None:
        """回收率 of the codes: the share of issued codes that voted; None before any is issued."""
        return Fraction(self.tokens_used, self.tokens_issued) if self.tokens_issued else None

    @property
    def target_fraction(self) -> Fraction | None:
        """The group's target share of all ballots (stored as text, "3/5"); None when unset."""
        try:
            return Fraction(self.target_share) if self.target_share else None
        except (ValueError, ZeroDivisionError):
            return None


@dataclass(frozen=True)
class Collection:
    groups: list[GroupCollection]
    tokens_issued: int  # withdrawn codes not included
    tokens_used: int
    paper: int
    online: int
    received: int
    problems: list[str]  # what does not reconcile, worded for the page (R15); empty: all well

    @property
    def reconciles(self) -> bool:
        return not self.problems

    @property
    def response_rate(self) -> Fraction | None:
        """回收率 of the codes over all groups; None before any code is issued."""
        return Fraction(self.tokens_used, self.tokens_issued) if self.tokens_issued else None

    tokens_withdrawn: int = 0


def collection_status(campaign: Campaign) -> Collection:
    """Counts only — tokens issued and used, ballots received per group — never results (R12).

    A withdrawn code is not counted as issued but as withdrawn: a withdrawn batch (sheets
    lost, never delivered) must not swell the count of codes people could vote with. An
    online ballot is counted by its token's use (a ballot waiting in the mixing pool names no
    group that could be read), and the live reconciliation says whether the stored ballots
    agree with the uses and the imports (voting.verify)."""
    groups = (
        campaign.groups.order_by("position")
        .select_related("parent")
        .annotate(
            issued=Count("tokens", filter=Q(tokens__void=False), distinct=True),
            withdrawn=Count("tokens", filter=Q(tokens__void=True), distinct=True),
            used=Count("tokens", filter=Q(tokens__use__isnull=False), distinct=True),
        )
    )
    paper_by_group = {
        row["group_id"]: row["n"]
        for row in Ballot.objects.filter(campaign=campaign, source=BallotSource.PAPER)
        .values("group_id")
        .annotate(n=Count("id"))
    }
    rows = [
        GroupCollection(
            name=f"{g.parent.name} · {g.name}" if g.parent else g.name,  # a kind (seed 001 五(二))
            target_share=g.target_share,
            tokens_issued=g.issued,
            tokens_used=g.used,
            tokens_withdrawn=g.withdrawn,
            paper=paper_by_group.get(g.pk, 0),
            received=paper_by_group.get(g.pk, 0) + g.used,
        )
        for g in groups
    ]
    check = campaign_reconcile(campaign)
    return Collection(
        groups=rows,
        tokens_issued=sum(r.tokens_issued for r in rows),
        tokens_used=check.tokens_used,
        tokens_withdrawn=sum(r.tokens_withdrawn for r in rows),
        paper=check.paper,
        online=check.online,
        received=check.paper + check.online,
        problems=[gettext(p.template) % p.params for p in check.problems],
    )
