"""The evaluator's pages: code → ballot → review → receipt. No login, no token in any URL.

The QR code carries /v/#CODE: the fragment never reaches the server or its logs (R11); a small
script posts it. Without JavaScript the evaluator types the code. Every step is a POST form, but
the last: the cast redirects to /v/done (Post/Redirect/Get), so that Back or a reload never
offers to send the ballot again. The language switch of the ballot and the review is a button
of their own form: it posts the code and the marks with it, and nothing is lost.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
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
from pingyi.web.ratelimit import client_address, code_posts_exceeded, code_refused, hit
from pingyi.web.settings_access import limits

# The receipt travels to /v/done in a signed cookie of the phone's, for a quarter of an hour: no
# server-side state, and nothing in a URL. It holds the receipt and whether the ballot counts.
RECEIPT_COOKIE = "pingyi_receipt"
RECEIPT_SALT = "pingyi.vote.done"
RECEIPT_SECONDS = 15 * 60


def _language(request: HttpRequest) -> str | None:
    """The language a ballot's own switch asked for, now active for this answer."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return None
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def _remembered(response: HttpResponse, language: str | None) -> HttpResponse:
    """The switch's choice kept for the next pages, as Django's set_language keeps it."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def _blocked(request: HttpRequest) -> HttpResponse | None:
    if code_posts_exceeded(request, "ballot"):
        return render(request, "pingyi/vote/limited.html", status=429)
    return None


def _refused(request: HttpRequest, exc: RuleError) -> HttpResponse:
    code_refused(request)
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
    """GET: the code form. POST code: the ballot (pre-filled when coming back from review or
    after the ballot's language switch)."""
    if request.method == "GET":
        return render(request, "pingyi/vote/start.html")
    language = _language(request)
    found = _token_of(request)
    if isinstance(found, HttpResponse):
        return found
    code, token = found
    form = ballot_form(token.campaign)
    keep = request.POST.get("back") or language
    chosen = _marks_from(request, form) if keep else {}
    context = {"form": form, "code": code, "chosen": chosen}
    return _remembered(render(request, "pingyi/vote/ballot.html", context), language)


def _ballot_again(
    request: HttpRequest, form: BallotForm, code: str, chosen: dict[str, str]
) -> HttpResponse:
    """The ballot once more, with the marks that were understood and a note; the code is
    untouched, so the evaluator marks again and goes on."""
    labels = {m.code for m in form.marks}
    context = {
        "form": form,
        "code": code,
        "chosen": {unit: mark for unit, mark in chosen.items() if mark in labels},
        "error": _("Some marks were not understood; please mark again."),
    }
    return render(request, "pingyi/vote/ballot.html", context, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":  # Back from the receipt: that ballot is cast; start anew
        return redirect("vote")
    language = _language(request)
    found = _token_of(request)
    if isinstance(found, HttpResponse):
        return found
    code, token = found
    form = ballot_form(token.campaign)
    chosen = _marks_from(request, form)
    labels = {m.code: m.label for m in form.marks}
    if any(v and v not in labels for v in chosen.values()):
        return _ballot_again(request, form, code, chosen)
    blank = [u for _n, units in form.categories for u in units if not chosen[u.code]]
    rows = [(u, labels.get(chosen[u.code], "")) for _n, units in form.categories for u in units]
    context = {
        "form": form,
        "code": code,
        "chosen": chosen,
        "blank": blank,
        "rows": rows,
        "counts": form.counts(chosen),
    }
    return _remembered(render(request, "pingyi/vote/review.html", context), language)


@never_cache
@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    if (blocked := _blocked(request)) is not None:
        return blocked
    code = request.POST.get("code", "")
    try:
        token = token_lookup(code=code)
        form = ballot_form(token.campaign)
        chosen = _marks_from(request, form)
        receipt = ballot_submit(code=code, marks=chosen)
    except TokenRefused as exc:
        return _refused(request, exc)
    except MarksInvalid:
        return _ballot_again(request, form, code, chosen)
    done = redirect("vote-done")
    done.status_code = 303
    value = signing.dumps(
        {"r": receipt, "c": token.campaign.name, "v": form.counts(chosen)}, salt=RECEIPT_SALT
    )
    done.set_cookie(
        RECEIPT_COOKIE,
        value,
        max_age=RECEIPT_SECONDS,
        path=reverse("vote-done"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return done


@never_cache
def done(request: HttpRequest) -> HttpResponse:
    """The receipt of the ballot this phone just cast (a GET: Back and reload are harmless).
    It names the receipt and whether the ballot counts, never a mark."""
    try:
        cast = signing.loads(
            request.COOKIES.get(RECEIPT_COOKIE, ""), salt=RECEIPT_SALT, max_age=RECEIPT_SECONDS
        )
    except signing.BadSignature:
        return redirect("vote")
    context = {"receipt": cast["r"], "campaign_name": cast["c"], "counts": cast["v"]}
    return render(request, "pingyi/vote/receipt.html", context)


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
