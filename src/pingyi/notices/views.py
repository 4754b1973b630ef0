"""The public notice pages: no login. Anyone reads a notice, files an objection (rate-limited
per address), reads the answer with the tracking code, and checks a receipt (presence only)."""

from __future__ import annotations

import hashlib
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    StreamingHttpResponse,
)
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingyi.audit.services import audit_head
from pingyi.ballots.yearend_selectors import supervision_lines_of
from pingyi.campaigns.selectors import campaign_scheme
from pingyi.notices.forms import ObjectionForm, TrackForm
from pingyi.notices.hooks import published_pledge_count
from pingyi.notices.models import Notice, NoticeStatus
from pingyi.notices.selectors import (
    notice_live_counts,
    notice_public_get,
    notice_public_list,
    notice_public_page,
    notice_public_read,
    objection_by_tracking,
    objection_choices,
)
from pingyi.notices.services import objection_file
from pingyi.rules.errors import RuleError
from pingyi.rules.scheme import MEAN_PLACES
from pingyi.voting.models import Receipt
from pingyi.web.ratelimit import client_address, hit, limited, record
from pingyi.web.settings_access import limits

OBJECTION_WINDOW = 3600  # PINGYI_OBJECTION_POSTS objections per address per hour
TRACK_WINDOW = 600
PAGE_SECONDS = 300  # a cached page body; any change the page shows moves the key on
PDF_SECONDS = 3600  # a built PDF; as the page, keyed on what it shows
# Where the audit chain's head goes in a page rendered to be stored (a stored page is cut
# there and at each CSRF token, which differ from answer to answer): nothing a page shows
# can spell it — letters, digits and hyphens, new in every process.
HEAD_MARK = f"pingyi-head-{secrets.token_hex(16)}"
_TOKEN = re.compile(r'(?<=name="csrfmiddlewaretoken" value=")[^"]*')


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


def _prefix(notice: Notice) -> str:
    """The key of a notice's cached parts, as its revision and the language stand."""
    return f"pingyi:notice-body:{notice.pk}:{notice.revision}:{get_language()}"


def _results(notice: Notice, head: str, committee: int | None) -> tuple[str, str, int, bool]:
    """The page's results, reviews and answers, and the objection form's options, rendered —
    the part that grows with the units — with the committee shown and whether the notice is
    read committee by committee. Cached per notice revision, language and committee (a
    review, an answer or finalization moves the revision on), so that a 3,000-organization
    notice is not rendered again for every reader; beside it, the number of committee pages
    (0: one page shows all), so that an unknown committee costs no rendering."""
    prefix = _prefix(notice)
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


@dataclass(frozen=True)
class StoredPage:
    """A notice page rendered once and kept as bytes, cut where an answer differs from the
    next: ``parts`` around the holes, each hole the audit chain's head (True; it moves with
    any audited step anywhere) or a CSRF token (False; new on every answer)."""

    parts: tuple[bytes, ...]
    holes: tuple[bool, ...]

    @classmethod
    def cut(cls, text: str) -> StoredPage:
        parts: list[bytes] = []
        holes: list[bool] = []
        for i, piece in enumerate(text.split(HEAD_MARK)):
            if i:
                holes.append(True)
            for j, part in enumerate(_TOKEN.split(piece)):
                if j:
                    holes.append(False)
                parts.append(part.encode())
        return cls(tuple(parts), tuple(holes))

    def answer(self, request: HttpRequest, head: str) -> HttpResponse:
        """The page for this request: its head, and a CSRF token as ``{% csrf_token %}``
        gives one (masked anew for this answer; the cookie set as it does) in every form."""
        printed = head.encode()  # hexadecimal: nothing to escape
        token = get_token(request).encode() if False in self.holes else b""
        out = [self.parts[0]]
        for hole, part in zip(self.holes, self.parts[1:], strict=True):
            out += (printed if hole else token, part)
        return HttpResponse(b"".join(out))


def _stored_key(request: HttpRequest, notice: Notice, number: int, shown: tuple[Any, ...]) -> str:
    """The key of a stored page: everything the page shows but the head and the tokens —
    the notice as it stands (its revision moves with its results), the live counts, the
    committee, the language, the address its language switch returns to."""
    fields = [getattr(notice, f.attname) for f in Notice._meta.concrete_fields]
    campaign = getattr(notice, "campaign_code", None)
    if campaign is None:  # a notice read by the ORM (a refused objection's page)
        campaign = notice.campaign.code if notice.campaign else ""
    zone = timezone.get_current_timezone_name()
    text = repr((fields, campaign, shown, number, request.path, get_language(), zone))
    return f"pingyi:notice-page:{notice.pk}:{hashlib.blake2b(text.encode()).hexdigest()}"


def _etag(key: str, head: str, request: HttpRequest) -> str:
    """The page's entity tag: its stored key, the head and the reader's CSRF secret (a copy
    the reader kept holds tokens of that secret; another secret's reader gets a new page)."""
    secret = str(request.META.get("CSRF_COOKIE", ""))
    return (
        '"' + hashlib.blake2b(f"{key}:{head}:{secret}".encode(), digest_size=16).hexdigest() + '"'
    )


def _fresh(request: HttpRequest, etag: str) -> bool:
    given = request.headers.get("If-None-Match", "")
    return bool(given) and etag in [tag.strip() for tag in given.split(",")]


def _page(
    request: HttpRequest,
    notice: Notice,
    form: ObjectionForm | None = None,
    status: int = 200,
    committee: int | None = None,
) -> HttpResponse:
    """The public page; a refused objection (``form`` bound with its errors) renders the form
    whole, with the unit the filer chose. Read (no form, no message for the reader), it is
    rendered once and served as stored bytes (StoredPage) until what it shows changes; a
    reader who kept it gets 304 Not Modified."""
    now = timezone.now()
    head = audit_head()
    live = notice_live_counts(notice)
    # the units' published service pledges (服务承诺), beside their results
    pledges = notice.campaign_id is not None and published_pledge_count(notice.campaign_id)
    open_for_objections = (
        notice.status == NoticeStatus.ON_NOTICE and notice.opens_at <= now < notice.ends_at
    )
    # the on-site supervision and notarization of the vote (seed 001 八.6)
    supervision = supervision_lines_of(notice.campaign_id) if notice.campaign_id else ()
    shown = (live, pledges, open_for_objections, supervision)
    stored = form is None and status == 200 and not len(get_messages(request))
    key = ""
    if stored:
        committees: int | None = cache.get(_prefix(notice))
        if committees is not None:
            key = _stored_key(request, notice, _number(committees, committee), shown)
            etag = _etag(key, head, request)
            if _fresh(request, etag):
                return _not_modified(etag)
            found: StoredPage | None = cache.get(key)
            if found is not None:  # the etag again: a first answer gives a CSRF secret
                return _kept(found.answer(request, head), _etag(key, head, request))
    body, options, number, split = _results(notice, head, committee)
    context: dict[str, Any] = {
        "notice": notice,
        "live": live,
        "head": HEAD_MARK if stored else head,
        "body": mark_safe(body),  # noqa: S308 - rendered by our templates, escaped there
        "options": None if form is not None else mark_safe(options),  # noqa: S308 - as above
        "open_for_objections": open_for_objections,
        "form": form or ObjectionForm(notice=notice, entries=[]),
        "committee": number,
        "choose_committee": split and not number,
        "pledges": pledges,
        "supervision": supervision,
    }
    if not stored:
        return render(request, "pingyi/notices/notice.html", context, status=status)
    page = StoredPage.cut(render_to_string("pingyi/notices/notice.html", context, request))
    key = key or _stored_key(request, notice, number, shown)
    cache.set(key, page, PAGE_SECONDS)
    return _kept(page.answer(request, head), _etag(key, head, request))


def _kept(response: HttpResponse, etag: str) -> HttpResponse:
    """A stored page's answer: kept by the reader, asked again each time (If-None-Match)."""
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


def _not_modified(etag: str) -> HttpResponse:
    return _kept(HttpResponseNotModified(), etag)


def notice_page(request: HttpRequest, code: str) -> HttpResponse:
    notice = notice_public_read(code)
    if notice is None:
        raise Http404
    return _page(request, notice, committee=_committee(request))


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
