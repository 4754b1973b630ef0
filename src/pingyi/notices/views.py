"""The public notice pages: no login. Anyone reads a notice, files an objection (rate-limited
per address), reads the answer with the tracking code, and checks a receipt (presence only)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingyi.audit.services import audit_head
from pingyi.campaigns.selectors import campaign_scheme
from pingyi.notices.forms import ObjectionForm, TrackForm
from pingyi.notices.models import Notice, NoticeStatus
from pingyi.notices.selectors import (
    notice_live_counts,
    notice_public_get,
    notice_public_list,
    notice_public_page,
    objection_by_tracking,
)
from pingyi.notices.services import objection_file
from pingyi.rules.errors import RuleError
from pingyi.voting.models import Receipt
from pingyi.web.ratelimit import client_address, hit, limited, record
from pingyi.web.settings_access import limits

OBJECTION_WINDOW = 3600  # PINGYI_OBJECTION_POSTS objections per address per hour
TRACK_WINDOW = 600
PAGE_SECONDS = 300  # a cached page body; any change the page shows moves the key on


def _notice(code: str) -> Notice:
    notice = notice_public_get(code)
    if notice is None:
        raise Http404
    return notice


def notice_index(request: HttpRequest) -> HttpResponse:
    return render(request, "pingyi/notices/index.html", {"notices": notice_public_list()})


def _results(notice: Notice, head: str) -> tuple[str, str]:
    """The page's results, reviews and answers, and the objection form's options, rendered —
    the part that grows with the units. Cached per notice revision and language (a review,
    an answer or finalization moves the revision on), so that a 3,000-organization notice is
    not rendered again for every reader."""
    key = f"pingyi:notice-page:{notice.pk}:{notice.revision}:{get_language()}"
    found: tuple[str, str] | None = cache.get(key)
    if found is None:
        page = notice_public_page(notice, head)
        marks = [m.label for m in campaign_scheme(notice.campaign).marks] if notice.campaign else []
        body = render_to_string(
            "pingyi/notices/_results.html", {"page": page, "notice": notice, "marks": marks}
        )
        options = render_to_string("pingyi/notices/_unit_options.html", {"entries": page.entries})
        found = (body, options)
        cache.set(key, found, PAGE_SECONDS)
    return found


def _page(
    request: HttpRequest, notice: Notice, form: ObjectionForm | None = None, status: int = 200
) -> HttpResponse:
    """The public page; a refused objection (``form`` bound with its errors) renders the form
    whole, with the unit the filer chose."""
    now = timezone.now()
    head = audit_head()
    body, options = _results(notice, head)
    context: dict[str, Any] = {
        "notice": notice,
        "live": notice_live_counts(notice),
        "head": head,
        "body": mark_safe(body),  # noqa: S308 - rendered by our templates, escaped there
        "options": None if form is not None else mark_safe(options),  # noqa: S308 - as above
        "open_for_objections": notice.status == NoticeStatus.ON_NOTICE
        and notice.opens_at <= now < notice.ends_at,
        "form": form or ObjectionForm(notice=notice, entries=[]),
    }
    return render(request, "pingyi/notices/notice.html", context, status=status)


def notice_page(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, _notice(code))


@require_POST
def objection_new(request: HttpRequest, code: str) -> HttpResponse:
    """Files an objection; the tracking code is shown on this answer only, once."""
    notice = _notice(code)
    limit = int(settings.PINGYI_OBJECTION_POSTS)
    if not hit("objection", client_address(request), limit=limit, window=OBJECTION_WINDOW):
        return render(request, "pingyi/vote/limited.html", status=429)
    form = ObjectionForm(request.POST, notice=notice)
    if not form.is_valid():
        return _page(request, notice, form, status=400)
    try:
        filed = objection_file(
            notice=notice,
            entry_code=form.cleaned_data["unit"],
            text=form.cleaned_data["text"],
            contact=form.cleaned_data["contact"],
        )
    except RuleError as exc:
        form.add_error(None, exc.message(_))
        return _page(request, notice, form, status=409)
    response = render(
        request, "pingyi/notices/filed.html", {"notice": notice, "filed": filed}, status=201
    )
    response["Cache-Control"] = "no-store"
    return response


def objection_track(request: HttpRequest) -> HttpResponse:
    """The filer reads the status and answer with the tracking code (POSTed, never in a URL).
    Wrong codes count against the address as wrong ballot codes do (R18)."""
    form = TrackForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "checked": False, "objection": None}
    if request.method == "POST" and form.is_valid():
        address = client_address(request)
        if limited("track-fail", address, limit=limits().token_failures, window=TRACK_WINDOW):
            return render(request, "pingyi/vote/limited.html", status=429)
        objection = objection_by_tracking(form.cleaned_data["code"])
        if objection is None:
            record("track-fail", address, window=TRACK_WINDOW)
        context.update(checked=True, objection=objection)
    response = render(request, "pingyi/notices/track.html", context)
    response["Cache-Control"] = "no-store"
    return response


def receipts_list(request: HttpRequest, code: str) -> StreamingHttpResponse:
    """The receipt list of a campaign on notice (R15): sorted codes, nothing else."""
    notice = _notice(code)
    if notice.campaign_id is None:
        raise Http404
    codes = Receipt.objects.filter(campaign_id=notice.campaign_id).order_by("code")
    lines = (f"{c}\n" for c in codes.values_list("code", flat=True).iterator(chunk_size=5000))
    response = StreamingHttpResponse(lines, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{notice.code}-receipts.txt"'
    return response


def notice_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The official notice (通报) of a final result, as PDF."""
    from pingyi.notices.exports import write_notice_pdf

    notice = _notice(code)
    if notice.status != NoticeStatus.FINAL:
        raise Http404
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notice.pdf"
        write_notice_pdf(path, notice_public_page(notice))
        content = path.read_bytes()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{notice.code}-tongbao.pdf"'
    return response
