"""A grading's look-back (回头看) and an organization's grades across the rounds.

For the department that runs the rounds: its admin and staff re-grade, its viewers read,
any other office finds nothing (404)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.models import Organization
from pingyi.accounts.selectors import READ, RUN, organizations_for, role_in
from pingyi.grading.models import GradingRound, PartyOrg
from pingyi.rectification.forms import RegradeForm
from pingyi.rectification.grading_history import org_grading_history, org_name
from pingyi.rectification.lookback import org_regrade
from pingyi.rectification.models import LookBack
from pingyi.rules.errors import RuleError
from pingyi.web.shared import guarded


def _round(request: HttpRequest, code: str) -> GradingRound:
    found = (
        GradingRound.objects.filter(code=code, organization__in=organizations_for(request.user))
        .select_related("organization")
        .first()
    )
    if found is None:
        raise Http404
    return found


@guarded
def lookback_grading(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the round's look-backs and the form; POST: re-grades one organization."""
    grading_round = _round(request, code)
    can_run = role_in(request.user, grading_round.organization) in RUN
    form = RegradeForm(request.POST or None)
    if request.method == "POST":
        if not can_run:
            raise AccessDenied
        if form.is_valid():
            data = form.cleaned_data
            org = PartyOrg.objects.filter(round=grading_round, code=data["org"].strip()).first()
            if org is None:
                messages.error(request, _("No organization with that code in this round."))
            else:
                try:
                    done = org_regrade(
                        org=org, grade=data["grade"], reason=data["reason"],
                        violation=data["violation"], cause=data["cause"],
                        effective=data["effective"], actor=Actor.of(request.user),
                    )  # fmt: skip
                    messages.success(
                        request,
                        _("%(org)s is now %(grade)s; %(n)s plan(s) re-opened.")
                        % {"org": org.name, "grade": done.after, "n": len(done.plans)},
                    )
                    return redirect("rectification:lookback-grading", code=code)
                except RuleError as exc:
                    messages.error(request, exc.message(_))
    looks = (
        LookBack.objects.filter(plan__notice__grading_round=grading_round)
        .select_related("plan")
        .order_by("-at", "-id")
    )
    context = {"round": grading_round, "form": form, "can_run": can_run, "looks": looks}
    return render(request, "pingyi/rectification/lookback.html", context)


@guarded
def org_history(request: HttpRequest, office: str, unit: str) -> HttpResponse:
    found = Organization.objects.filter(
        code=office, pk__in=organizations_for(request.user, READ)
    ).first()
    if found is None:
        raise Http404
    years = org_grading_history(found, unit)
    if not any(y.present for y in years):
        raise Http404
    context = {"office": found, "code": unit, "name": org_name(years, unit), "years": years}
    return render(request, "pingyi/rectification/org_history.html", context)
