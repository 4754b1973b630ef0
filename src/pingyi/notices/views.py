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
    objection_choices,
)
from pingyi.notices.services import objection_file
from pingyi.rules.errors import RuleError
from pingyi.rules.scheme import MEAN_PLACES
from pingyi.stages.selectors import published_pledge_count
from pingyi.voting.models import Receipt
from pingyi.web.ratelimit import client_address, hit, limited, record
from pingyi.web.settings_access import limits

OBJECTION_WINDOW = 3600  # PINGYI_OBJECTION_POSTS objections per address per hour
TRACK_WINDOW = 600
PAGE_SECONDS = 300  # a cached page body; any change the page shows moves the key on
PDF_SECONDS = 3600  # a built PDF; as the page, keyed on what it shows


def _notice(code: str) -> Notice:
    notice = notice_public_get(code)
    if notice is None:
        raise Http404
    return notice


def notice_index(request: HttpRequest) -> HttpResponse:
    return render(request, "pingyi/notices/index.html", {"notices": notice_public_list()})


def _committee(request: HttpRequest) -> int | None:
    """The committee asked for (``?c=N``, 1-based) on a grading's notice read committee by
    committee; anything but a number is not found."""
    text = request.GET.get("c")
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 5:
        raise Http404
    return int(text)


def _number(committees: int, committee: int | None) -> int:
    """The page shown: 0 the whole notice, or on a split one its index; else the committee.
    A page that shows every committee ignores ``?c=``; an unknown committee is not found."""
    if not committees or committee is None:
        return 0
    if not 1 <= committee <= committees:
        raise Http404
    return committee


def _results(notice: Notice, head: str, committee: int | None) -> tuple[str, str, int, bool]:
    """The page's results, reviews and answers, and the objection form's options, rendered —
    the part that grows with the units — with the committee shown and whether the notice is
    read committee by committee. Cached per notice revision, language and committee (a
    review, an answer or finalization moves the revision on), so that a 3,000-organization
    notice is not rendered again for every reader; beside it, the number of committee pages
    (0: one page shows all), so that an unknown committee costs no rendering."""
    prefix = f"pingyi:notice-body:{notice.pk}:{notice.revision}:{get_language()}"
    committees: int | None = cache.get(prefix)
    if committees is not None:
        number = _number(committees, committee)
        found: tuple[str, str, int, bool] | None = cache.get(f"{prefix}:{number}")
        if found is not None:
            return found
    page = notice_public_page(notice, head)
    committees = len(page.committees) if page.split else 0
    cache.set(prefix, committees, PAGE_SECONDS)
    number = _number(committees, committee)
    shown = page.committees
    entries = page.entries
    if page.split:
        chosen = page.committee(number)
        shown = [chosen] if chosen else []
        entries = chosen.entries if chosen else []
    scheme = campaign_scheme(notice.campaign) if notice.campaign else None
    marks = [m.label for m in scheme.marks] if scheme else []
    places = {"mean_places": MEAN_PLACES, "rate_places": scheme.rate_places if scheme else 2}
    body = render_to_string(
        "pingyi/notices/_results.html",
        {"page": page, "notice": notice, "marks": marks, "shown": shown, "number": number} | places,
    )
    options = render_to_string("pingyi/notices/_unit_options.html", {"entries": entries})
    found = (body, options, number, page.split)
    cache.set(f"{prefix}:{number}", found, PAGE_SECONDS)
    return found


def _page(
    request: HttpRequest,
    notice: Notice,
    form: ObjectionForm | None = None,
    status: int = 200,
    committee: int | None = None,
) -> HttpResponse:
    """The public page; a refused objection (``form`` bound with its errors) renders the form
    whole, with the unit the filer chose."""
    now = timezone.now()
    head = audit_head()
    body, options, number, split = _results(notice, head, committee)
    context: dict[str, Any] = {
        "notice": notice,
        "live": notice_live_counts(notice),
        "head": head,
        "body": mark_safe(body),  # noqa: S308 - rendered by our templates, escaped there
        "options": None if form is not None else mark_safe(options),  # noqa: S308 - as above
        "open_for_objections": notice.status == NoticeStatus.ON_NOTICE
        and notice.opens_at <= now < notice.ends_at,
        "form": form or ObjectionForm(notice=notice, entries=[]),
        "committee": number,
        "choose_committee": split and not number,
        # the units' published service pledges (服务承诺), beside their results
        "pledges": notice.campaign is not None and published_pledge_count(notice.campaign),
    }
    return render(request, "pingyi/notices/notice.html", context, status=status)


def notice_page(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, _notice(code), committee=_committee(request))


@require_POST
def objection_new(request: HttpRequest, code: str) -> HttpResponse:
    """Files an objection; the tracking code is shown on this answer only, once. Filed from
    a committee's page (``?c=N``), it names one of that committee's organizations."""
    notice = _notice(code)
    committee = _committee(request)
    limit = int(settings.PINGYI_OBJECTION_POSTS)
    if not hit("objection", client_address(request), limit=limit, window=OBJECTION_WINDOW):
        return render(request, "pingyi/vote/limited.html", status=429)
    entries = objection_choices(notice, committee)
    form = ObjectionForm(request.POST, notice=notice, entries=entries)
    if not form.is_valid():
        return _page(request, notice, form, status=400, committee=committee)
    try:
        filed = objection_file(
            notice=notice,
            entry_code=form.cleaned_data["unit"],
            text=form.cleaned_data["text"],
            contact=form.cleaned_data["contact"],
        )
    except RuleError as exc:
        form.add_error(None, exc.message(_))
        return _page(request, notice, form, status=409, committee=committee)
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
    """The notice as PDF, every unit on it: while on notice the printable full list (公示),
    once final the official notice (通报). Built once per revision of the notice and head of
    the audit chain (which it prints), not once per reader."""
    from pingyi.notices.exports import write_notice_pdf

    notice = _notice(code)
    head = audit_head()
    key = f"pingyi:notice-pdf:{notice.pk}:{notice.revision}:{head}"
    content: bytes | None = cache.get(key)
    if content is None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "notice.pdf"
            write_notice_pdf(path, notice_public_page(notice, head))
            content = path.read_bytes()
        cache.set(key, content, PDF_SECONDS)
    name = "tongbao" if notice.status == NoticeStatus.FINAL else "gongshi"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{notice.code}-{name}.pdf"'
    return response
