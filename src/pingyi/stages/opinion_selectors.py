"""Reads of 征求意见 and 集中整改 for the pages, the API, the CLI and the summaries export.

Who reads what is decided here, for every door: the office and its viewers read every
opinion; a unit's people read their own unit's kept opinions and summary only once the office
has fed them back — never before, never another unit's (AccessDenied).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.campaigns.models import Campaign, Unit
from pingyi.rules import opinions as rules
from pingyi.stages import access
from pingyi.stages.models import (
    FeedbackStatus,
    Opinion,
    OpinionFeedback,
    OpinionRound,
    PooledOpinion,
    RectificationReport,
)


def _office_reads(actor: Actor, campaign: Campaign) -> bool:
    if actor.system:
        return True
    return actor.user is not None and access.office_access(actor.user, campaign) is not None


def feedback_of(unit: Unit) -> OpinionFeedback | None:
    return OpinionFeedback.objects.filter(unit=unit).first()


def is_fed_back(unit: Unit) -> bool:
    found = feedback_of(unit)
    return found is not None and found.status == FeedbackStatus.FED_BACK


def campaign_opinions(*, campaign: Campaign, actor: Actor) -> QuerySet[Opinion]:
    """Every opinion of the campaign, for the office's sorting (AccessDenied for others).
    Ordered by unit, then id (random): never the order they arrived in."""
    if not _office_reads(actor, campaign):
        raise AccessDenied
    return (
        Opinion.objects.filter(campaign=campaign)
        .select_related("unit", "kept_as")
        .order_by("unit__position", "status", "id")
    )


def unit_opinions(*, unit: Unit, actor: Actor) -> list[Opinion]:
    """The unit's opinions as the asker may read them: the office all of them, the unit's
    owner and members its kept ones once fed back; AccessDenied otherwise."""
    if _office_reads(actor, unit.campaign):
        return list(
            Opinion.objects.filter(unit=unit)
            .select_related("kept_as")
            .annotate(standing_for=Count("folded"))
            .order_by("status", "id")
        )
    if actor.user is None or access.unit_role(actor.user, unit.campaign, unit.code) is None:
        raise AccessDenied
    if not is_fed_back(unit):
        raise AccessDenied
    return list(
        Opinion.objects.filter(unit=unit, status__in=rules.KEPT)
        .annotate(standing_for=Count("folded"))
        .order_by("category", "id")
    )


def unit_feedback(*, unit: Unit, actor: Actor) -> OpinionFeedback | None:
    """The unit's summary: the office always, the unit's people once fed back."""
    found = feedback_of(unit)
    if _office_reads(actor, unit.campaign):
        return found
    if actor.user is None or access.unit_role(actor.user, unit.campaign, unit.code) is None:
        raise AccessDenied
    if found is None or found.status != FeedbackStatus.FED_BACK:
        raise AccessDenied
    return found


def report_of(unit: Unit) -> RectificationReport | None:
    return RectificationReport.objects.filter(unit=unit).first()


def round_of(campaign: Campaign) -> OpinionRound | None:
    return OpinionRound.objects.filter(campaign=campaign).first()


@dataclass(frozen=True)
class Collection:
    opinions: int
    to_sort: int
    pooled: int  # forms sent but still in the mixing pool (moved at the latest on closing)
    closed: bool


def collection(campaign: Campaign) -> Collection:
    counts = Opinion.objects.filter(campaign=campaign).aggregate(
        total=Count("id"), new=Count("id", filter=Q(status=rules.NEW))
    )
    found = round_of(campaign)
    return Collection(
        counts["total"], counts["new"],
        PooledOpinion.objects.filter(campaign=campaign).count(),
        found is not None and found.closed_on is not None,
    )  # fmt: skip


@dataclass(frozen=True)
class UnitSummary:
    unit: Unit
    received: int  # every opinion on the unit (duplicates and merged included)
    kept: int  # what the unit answers
    answered: int
    to_sort: int
    feedback: OpinionFeedback | None
    report: RectificationReport | None


def summaries(*, campaign: Campaign, actor: Actor) -> list[UnitSummary]:
    """One line a unit, for the office's page and the summaries export; four queries."""
    if not _office_reads(actor, campaign):
        raise AccessDenied
    kept = Q(opinions__status__in=rules.KEPT)
    units = campaign.units.order_by("position").annotate(
        received=Count("opinions"),
        kept=Count("opinions", filter=kept),
        answered=Count("opinions", filter=kept & ~Q(opinions__measures="")),
        to_sort=Count("opinions", filter=Q(opinions__status=rules.NEW)),
    )
    feedback = {f.unit_id: f for f in OpinionFeedback.objects.filter(unit__campaign=campaign)}
    reports = {r.unit_id: r for r in RectificationReport.objects.filter(unit__campaign=campaign)}
    return [
        UnitSummary(u, u.received, u.kept, u.answered, u.to_sort,
                    feedback.get(u.pk), reports.get(u.pk))
        for u in units
    ]  # fmt: skip


def summaries_rows(items: list[UnitSummary]) -> list[list[object]]:
    """The summaries workbook's rows (header first), as the CLI and the page download it."""
    rows: list[list[object]] = [
        ["单位编码", "单位名称", "收到意见", "反馈意见", "已答复", "汇总", "反馈日期", "整改报告"]
    ]
    for s in items:
        rows.append([
            s.unit.code, s.unit.name, s.received, s.kept, s.answered,
            s.feedback.summary if s.feedback else "",
            s.feedback.fed_back_on.isoformat() if s.feedback and s.feedback.fed_back_on else "",
            s.report.get_status_display() if s.report else "",
        ])  # fmt: skip
    return rows


def opinions_rows(opinions: list[Opinion]) -> list[list[object]]:
    """Every opinion of the export's second sheet (header first)."""
    rows: list[list[object]] = [
        ["单位编码", "类别", "状态", "意见", "反馈措辞", "整改措施", "答复日期"]
    ]
    for o in opinions:
        rows.append([
            o.unit.code, o.get_category_display() if o.category else "", o.get_status_display(),
            o.text, o.wording, o.measures, o.answered_on.isoformat() if o.answered_on else "",
        ])  # fmt: skip
    return rows
