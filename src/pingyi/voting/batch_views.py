"""A batch of codes' withdrawal, for the staff who run its campaign (linked from the campaign's
batches and from a lost batch's job page). Another office's campaign answers 404 (R17)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pingyi.campaigns import access
from pingyi.rules.errors import RuleError
from pingyi.voting import batches
from pingyi.web.shared import guarded


@guarded
def batch_withdraw(request: HttpRequest, code: str, batch_id: int) -> HttpResponse:
    """GET: what withdrawing will do, to confirm; POST: withdraw."""
    # refused before the confirmation; the service asks again
    campaign, actor = access.campaign_office(request.user, code)
    row = batches.batch_row(campaign, batch_id)
    if row is None:
        raise Http404
    if request.method == "POST":
        try:
            voided = batches.batch_withdraw(batch=row.batch, actor=actor)
        except RuleError as exc:
            messages.error(request, exc.message(_))
        else:
            messages.success(
                request,
                _("Batch withdrawn: %(n)s unused codes voided. They can no longer vote.")
                % {"n": voided},
            )
        return redirect("campaign", code=campaign.code)
    return render(request, "pingyi/jobs/withdraw.html", {"campaign": campaign, "row": row})
