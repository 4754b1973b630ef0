"""Results applied (seed 001, 七): a campaign's units × consequences and their follow-up."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pingyi import evidence
from pingyi.accounts.selectors import RUN, role_in
from pingyi.campaigns.access import campaign_office
from pingyi.campaigns.models import Campaign, Consequence
from pingyi.campaigns.selectors import campaign_for
from pingyi.exports.consequences_workbook import write_consequences_workbook
from pingyi.office.consequences import (
    consequence_board,
    consequence_done,
    consequences_apply,
)
from pingyi.rules import consequences as rules
from pingyi.rules import phases
from pingyi.rules.errors import RuleError
from pingyi.web.shared import NO_STORE, XLSX, download, guarded, stored_download, written


class ApplyForm(forms.Form):
    report_due = forms.DateField(
        label=gettext_lazy("Written reports due on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class DoneForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=4000, widget=forms.Textarea
    )
    confirmed = forms.BooleanField(label=gettext_lazy("Condition confirmed"), required=False)
    report = forms.FileField(label=gettext_lazy("Written report (PDF, PNG, JPEG)"), required=False)


def _consequence(campaign: Campaign, pk: int) -> Consequence:
    found = Consequence.objects.filter(campaign=campaign, pk=pk).first()
    if found is None:
        raise Http404
    return found


@guarded
def board(request: HttpRequest, code: str) -> HttpResponse:
    campaign = campaign_for(request.user, code)
    today = timezone.localdate()
    blocks = consequence_board(campaign, today=today)
    context = {
        "campaign": campaign,
        "blocks": blocks,
        "today": today,
        "can_run": role_in(request.user, campaign.series.organization) in RUN,
        "results_visible": campaign.status in phases.RESULTS_VISIBLE,
        "apply_form": ApplyForm(
            initial={"report_due": rules.default_report_due(today).isoformat()}
        ),
        "done_form": DoneForm(),
        "report_kind": rules.WRITTEN_REPORT,
        "overdue": sum(b.overdue for b in blocks),
    }
    return render(request, "pingyi/staff/consequences.html", context)


@guarded
@require_POST
def apply(request: HttpRequest, code: str) -> HttpResponse:
    campaign, actor = campaign_office(request.user, code)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Written reports due on: enter a date such as 2027-02-01."))
        return redirect("campaign-consequences", code=campaign.code)
    due: dt.date | None = form.cleaned_data["report_due"]
    try:
        created = consequences_apply(campaign=campaign, actor=actor, report_due=due)
        messages.success(request, _("%(n)s consequences recorded.") % {"n": len(created)})
    except RuleError as exc:
        messages.error(request, exc.message(_))
    return redirect("campaign-consequences", code=campaign.code)


@guarded
@require_POST
def done(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    campaign, actor = campaign_office(request.user, code)
    consequence = _consequence(campaign, pk)
    form = DoneForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("The note is at most 4000 characters."))
        return redirect("campaign-consequences", code=campaign.code)
    file = form.cleaned_data["report"]
    upload = (
        evidence.Upload(name=file.name or "", content=file.read(), size=file.size or 0)
        if file
        else None
    )
    try:
        consequence_done(
            consequence=consequence,
            actor=actor,
            note=form.cleaned_data["note"],
            confirmed=form.cleaned_data["confirmed"],
            upload=upload,
        )
        messages.success(
            request,
            _("%(unit)s: %(kind)s marked done.")
            % {"unit": consequence.unit_name, "kind": consequence.get_kind_display()},
        )
    except RuleError as exc:
        messages.error(
            request,
            _("%(unit)s, %(kind)s: %(error)s")
            % {
                "unit": consequence.unit_name,
                "kind": consequence.get_kind_display(),
                "error": exc.message(_),
            },
        )
    return redirect("campaign-consequences", code=campaign.code)


@guarded
def report_file(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    campaign = campaign_for(request.user, code)
    consequence = _consequence(campaign, pk)
    if not consequence.file_stored_name:
        raise Http404
    path = evidence.path_of(consequence.file_stored_name)
    return stored_download(path, consequence.file_name, consequence.file_type, NO_STORE)


@guarded
def workbook(request: HttpRequest, code: str) -> HttpResponse:
    campaign = campaign_for(request.user, code)
    blocks = consequence_board(campaign, today=timezone.localdate())
    content = written(
        lambda path: write_consequences_workbook(path, blocks, campaign_name=campaign.name),
        ".xlsx",
    )
    return download(content, f"{campaign.code}-consequences.xlsx", XLSX)
