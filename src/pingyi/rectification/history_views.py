"""A unit's history across its series' campaigns, and the letter to a vertical unit's
superior. For the staff of the office that runs the series (others: not found)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pingyi.accounts.selectors import READ, organizations_for
from pingyi.campaigns.models import Series
from pingyi.rectification.charts import history_chart
from pingyi.rectification.history import unit_history, unit_name
from pingyi.web.shared import guarded


def _series(request: HttpRequest, pk: int) -> Series:
    series = (
        Series.objects.select_related("organization")
        .filter(pk=pk, organization__in=organizations_for(request.user, READ))
        .first()
    )
    if series is None:
        raise Http404
    return series


@guarded
def unit_page(request: HttpRequest, series: int, unit: str) -> HttpResponse:
    found = _series(request, series)
    years = unit_history(found, unit)
    if not any(y.present for y in years):
        raise Http404
    context = {
        "series": found,
        "code": unit,
        "name": unit_name(years, unit),
        "years": years,
        "chart": history_chart(years),
        "vertical": any(y.vertical for y in years),
    }
    return render(request, "pingyi/rectification/history.html", context)


@guarded
def letter(request: HttpRequest, series: int, unit: str, year: int) -> HttpResponse:
    """The letter to the superior of a vertically managed unit, for one year's result."""
    from pingyi.rectification.letter import write_letter

    found = _series(request, series)
    chosen = next((y for y in unit_history(found, unit) if y.campaign.year == year), None)
    if chosen is None or not chosen.visible or not chosen.vertical:
        raise Http404
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "letter.pdf"
        write_letter(path, chosen, office=found.organization.name, today=timezone.localdate())
        content = path.read_bytes()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letter-{unit}-{year}.pdf"'
    return response
