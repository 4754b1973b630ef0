"""Reads of the year-end appraisal (seed 001 八.6, 五(二)) for its page, the results
workbook, the notice, the API and the CLI."""

from __future__ import annotations

from collections.abc import Sequence

from pingyi.ballots.selectors import paper_by_area
from pingyi.campaigns.models import Campaign, Supervision
from pingyi.campaigns.selectors import campaign_scheme
from pingyi.exports.yearend_sheet import AreaRow, YearEnd, supervision_lines
from pingyi.rules.kinds import KindFigure


def campaign_yearend(campaign: Campaign, kinds: Sequence[KindFigure] = ()) -> YearEnd:
    """The areas with their paper ballots, the supervision record, and ``kinds`` — the figures
    per kind, which only campaign_results gives (closed campaigns, k rule applied)."""
    record = Supervision.objects.filter(campaign=campaign).first()
    areas = [AreaRow(a.area, a.batches, a.imported, a.invalid) for a in paper_by_area(campaign)]
    k = campaign_scheme(campaign).min_subset_ballots
    if record is None:
        return YearEnd(k=k, areas=areas, kinds=kinds)
    return YearEnd(
        k=k,
        areas=areas,
        kinds=kinds,
        supervisors=[(p["name"], p["unit"]) for p in record.supervisors],
        notary_office=record.notary_office,
        notary_reference=record.notary_reference,
        supervised_on=record.supervised_on.isoformat(),
    )


def supervision_lines_of(campaign_id: int) -> tuple[tuple[str, str], ...]:
    """项目 | 内容 of the campaign's supervision and notarization, as the notice prints it;
    empty when none is recorded. One query; a tuple, so that a stored page's key holds it."""
    record = Supervision.objects.filter(campaign_id=campaign_id).first()
    if record is None:
        return ()
    people = [(p["name"], p["unit"]) for p in record.supervisors]
    data = YearEnd(
        k=0,
        supervisors=people,
        notary_office=record.notary_office,
        notary_reference=record.notary_reference,
        supervised_on=record.supervised_on.isoformat(),
    )
    return tuple(supervision_lines(data))
