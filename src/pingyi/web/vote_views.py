"""The evaluator's pages: code → ballot → review → receipt. No login, no token in any URL.

The QR code carries /v/#CODE: the fragment never reaches the server or its logs (R11); a small
script posts it. Without JavaScript the evaluator types the code. Every step is a POST form.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from pingyi.campaigns.models import Campaign
from pingyi.rules.errors import RuleError
from pingyi.voting.models import BallotToken
from pingyi.voting.selectors import BallotForm, ballot_form
from pingyi.voting.services import (
    MarksInvalid,
    TokenRefused,
    ballot_submit,
    receipt_check,
    token_lookup,
)
from pingyi.web.ratelimit import client_address, hit, limited, record
from pingyi.web.settings_access import limits


def _blocked(request: HttpRequest) -> HttpResponse | None:
    address = client_address(request)
    if not hit("ballot", address, limit=limits().ballot_posts, window=60) or limited(
        "token-fail", address, limit=limits().token_failures, window=600
    ):
        return render(request, "pingyi/vote/limited.html", status=429)
    return None


def _refused(request: HttpRequest, exc: RuleError) -> HttpResponse:
    record("token-fail", client_address(request), window=600)
    return render(request, "pingyi/vote/refused.html", {"message": exc.message(_)}, status=409)


def _token_of(request: HttpRequest) -> tuple[str, BallotToken] | HttpResponse:
    """The POSTed code and its usable token, or the page that refuses it (limit or neutral)."""
    if (blocked := _blocked(request)) is not None:
        return blocked
    code = request.POST.get("code", "")
    try:
        return code, token_lookup(code=code)
    except TokenRefused as exc:
        return _refused(request, exc)


def _marks_from(request: HttpRequest, form: BallotForm) -> dict[str, str]:
    return {
        unit.code: request.POST.get(f"m_{unit.code}", "")
        for _name, units in form.categories
        for unit in units
    }


@never_cache
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest) -> HttpResponse:
    """GET: the code form. POST code: the ballot (pre-filled when coming back from review)."""
    if request.method == "GET":
        return render(request, "pingyi/vote/start.html")
    found = _token_of(request)
    if isinstance(found, HttpResponse):
        return found
    code, token = found
    form = ballot_form(token.campaign)
    chosen = _marks_from(request, form) if request.POST.get("back") else {}
    return render(
        request, "pingyi/vote/ballot.html", {"form": form, "code": code, "chosen": chosen}
    )


@never_cache
@require_POST
def review(request: HttpRequest) -> HttpResponse:
    found = _token_of(request)
    if isinstance(found, HttpResponse):
        return found
    code, token = found
    form = ballot_form(token.campaign)
    chosen = _marks_from(request, form)
    labels = {m.code: m.label for m in form.marks}
    unknown = [v for v in chosen.values() if v and v not in labels]
    if unknown:
        return render(
            request,
            "pingyi/vote/ballot.html",
            {
                "form": form,
                "code": code,
                "chosen": chosen,
                "error": _("Some marks were not understood; please mark again."),
            },
            status=400,
        )
    blank = [u for _n, units in form.categories for u in units if not chosen[u.code]]
    rows = [(u, labels.get(chosen[u.code], "")) for _n, units in form.categories for u in units]
    return render(
        request,
        "pingyi/vote/review.html",
        {"form": form, "code": code, "chosen": chosen, "blank": blank, "rows": rows},
    )


@never_cache
@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    if (blocked := _blocked(request)) is not None:
        return blocked
    code = request.POST.get("code", "")
    try:
        token = token_lookup(code=code)
        form = ballot_form(token.campaign)
        receipt = ballot_submit(code=code, marks=_marks_from(request, form))
    except TokenRefused as exc:
        return _refused(request, exc)
    except MarksInvalid as exc:
        return render(request, "pingyi/vote/refused.html", {"message": exc.message(_)}, status=400)
    return render(
        request, "pingyi/vote/receipt.html", {"receipt": receipt, "campaign": token.campaign}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def receipt(request: HttpRequest) -> HttpResponse:
    """Anyone may check a receipt: it says counted or not found, never how anyone voted."""
    campaigns = Campaign.objects.exclude(status="draft").order_by("-year", "code")
    context: dict[str, object] = {"campaigns": campaigns}
    if request.method == "POST":
        if not hit("receipt", client_address(request), limit=limits().ballot_posts, window=60):
            return render(request, "pingyi/vote/limited.html", status=429)
        # One of the listed campaigns, matched here rather than in a query: the field is free
        # text, and PostgreSQL answers a NUL in a query with an error, not a miss (R23).
        chosen = request.POST.get("campaign", "")
        campaign = next((c for c in campaigns if c.code == chosen), None)
        code = request.POST.get("receipt", "")
        context.update(
            checked=True,
            counted=campaign is not None and receipt_check(campaign=campaign, code=code),
            chosen_campaign=campaign.code if campaign else "",
            receipt_code=code,
        )
    return render(request, "pingyi/vote/receipt_check.html", context)
