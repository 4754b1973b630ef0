"""A unit across the years of its series: result, rank, flags, and the consequences that
follow from a run of bad years (SPEC P1 consecutive_last; P2 repeated 较差).

Each year reads the notice's entry when the campaign went on notice (reviews applied), else
the campaign's own count when it is closed; draft and open campaigns show no result (R12).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from pingyi.ballots.selectors import TooFewBallots, campaign_results
from pingyi.campaigns.models import Campaign, Series, Unit
from pingyi.exports.results_workbook import CONSECUTIVE_LAST_VERTICAL, CONSEQUENCES
from pingyi.notices.models import NoticeEntry
from pingyi.rules import phases

POOR = "较差"
# Seed 003 (四.3 and the look-back's 二.2) on 较差 organizations; SPEC names no sharper
# consequence for a repeat, so a repeat carries the whole of it.
REPEATED_POOR = (
    "再次评为“较差”：作为转化升级重点，领导挂点、部门帮扶，"
    "由组织部门重点督促检查、动态跟踪管理并组织“回头看”；"
    "上级党组织主持群众满意度测评会，书记作整改提高专项述职"
)


@dataclass
class Year:
    campaign: Campaign
    name: str = ""
    category: str = ""
    rank: int | None = None
    of: int | None = None  # ranked units in the category
    rate: Fraction | None = None
    mean: Fraction | None = None
    flags: list[str] = field(default_factory=list)
    grade: str = ""
    vertical: bool = False
    reviewed: bool = False
    visible: bool = False
    present: bool = False  # the unit was appraised that year
    warnings: list[str] = field(default_factory=list)


def _from_entries(series: Series, code: str, years: dict[int, Year]) -> None:
    ranked = (
        NoticeEntry.objects.filter(
            notice=OuterRef("notice"), group_code=OuterRef("group_code"), rank__isnull=False
        )
        .values("notice")
        .annotate(n=Count("pk"))
        .values("n")
    )
    entries = (
        NoticeEntry.objects.filter(notice__campaign__series=series, code=code)
        .select_related("notice")
        .annotate(ranked=Coalesce(Subquery(ranked), Value(0), output_field=IntegerField()))
    )  # the ranked units of the entry's category on its notice, in the same query
    for entry in entries:
        year = years[entry.notice.campaign_id or 0]
        year.name, year.category, year.rank = entry.name, entry.group, entry.rank
        year.rate, year.mean, year.flags = entry.rate, entry.mean, list(entry.flags)
        year.grade, year.vertical, year.reviewed = entry.grade, entry.vertical, entry.reviewed
        year.visible = year.present = True
        year.of = entry.ranked


def _from_tally(year: Year, code: str, appraised: set[int]) -> None:
    """A closed campaign not (yet) on notice: its figures, unless it had fewer than k valid
    ballots — then nothing but that the unit took part, as on the results page (R12)."""
    try:
        result = campaign_results(year.campaign).tally
    except TooFewBallots:
        year.present = year.campaign.pk in appraised
        return
    unit = next((u for u in result.units if u.spec.code == code), None)
    if unit is None:
        return
    rule = next(c for c in result.scheme.categories if c.code == unit.spec.category_code)
    year.name, year.category, year.rank = unit.spec.name, rule.name, unit.rank
    year.rate, year.mean, year.flags = unit.satisfaction_rate, unit.mean_score, list(unit.flags)
    year.vertical, year.visible, year.present = rule.vertical, True, True
    year.of = sum(1 for u in result.units if u.spec.category_code == rule.code and u.rank)


def unit_history(series: Series, code: str) -> list[Year]:
    """The unit's years, oldest first, with the warnings a run of bad years brings."""
    campaigns = list(series.campaigns.order_by("year"))
    years = {c.pk: Year(campaign=c) for c in campaigns}
    _from_entries(series, code, years)
    appraised: set[int] = set()  # the campaigns where the unit took part: one query for all
    if not all(year.present for year in years.values()):
        appraised = set(
            Unit.objects.filter(campaign__series=series, code=code).values_list(
                "campaign_id", flat=True
            )
        )
    for year in years.values():
        if not year.present and year.campaign.status == phases.CLOSED:
            _from_tally(year, code, appraised)
        elif not year.present:
            year.present = year.campaign.pk in appraised
    ordered = [years[c.pk] for c in campaigns]
    _warn(ordered)
    return ordered


def _warn(years: list[Year]) -> None:
    """Consecutive last places and repeated 较差 stand out, with their consequence."""
    for before, year in zip([None, *years], years, strict=False):
        if "consecutive_last" in year.flags or (
            before is not None and "last" in before.flags and "last" in year.flags
        ):
            year.warnings.append(
                CONSECUTIVE_LAST_VERTICAL if year.vertical else CONSEQUENCES["consecutive_last"]
            )
        if before is not None and before.grade == POOR and year.grade == POOR:
            year.warnings.append(REPEATED_POOR)


def unit_name(years: list[Year], code: str) -> str:
    return next((y.name for y in reversed(years) if y.name), code)
