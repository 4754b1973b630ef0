"""The pages of 征求意见 and 集中整改.

The public form (/o/): a code, then one box a unit, then thanks — no login, no code in any URL
(R11), rate-limited like the ballot (R18); it works on a 360 px phone. The office's pages: the
collection (codes, paper import, closing, summaries and their export) and each unit's sorting
and feedback. The unit's answers and its rectification report live on its stage page
(stages.views.unit_page). Every page calls one service or selector; access is decided there.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from pingyi.accounts.actors import Actor
from pingyi.campaigns.models import Campaign, Unit
from pingyi.rules import opinions as rules
from pingyi.rules.errors import InputError, RuleError
from pingyi.stages import access
from pingyi.stages import opinion_selectors as reads
from pingyi.stages.models import Opinion, OpinionCategory, RectificationReport
from pingyi.stages.opinion_exports import write_opinion_template, write_summaries
from pingyi.stages.opinion_services import (
    CodeRefused,
    feedback_save,
    opinion_answer,
    opinion_code_campaign,
    opinion_codes_issue,
    opinion_send,
    opinion_sort,
    opinions_close,
    opinions_fold,
    opinions_import_file,
    rectification_report_file,
    rectification_report_receive,
)
from pingyi.stages.views import _campaign, _office, _only, _unit, _upload
from pingyi.voting import codes
from pingyi.web.ratelimit import code_posts_exceeded, code_refused
from pingyi.web.shared import act, guarded, uploaded

# ------------------------------------------------------------------ the public form


def _blocked(request: HttpRequest) -> HttpResponse | None:
    if code_posts_exceeded(request, "opinion"):
        return render(request, "pingyi/vote/limited.html", status=429)
    return None


def _refused(request: HttpRequest, exc: RuleError) -> HttpResponse:
    code_refused(request)
    context = {"message": exc.message(_)}
    return render(request, "pingyi/stages/opinion_refused.html", context, status=409)


def _form_context(campaign: Campaign, code: str, chosen: dict[str, str]) -> dict[str, object]:
    groups: dict[str, list[tuple[Unit, str]]] = {}
    for u in campaign.units.select_related("category").order_by("position"):
        groups.setdefault(u.category.name, []).append((u, chosen.get(u.code, "")))
    return {"campaign": campaign, "code": codes.grouped(codes.normalise(code)),
            "groups": list(groups.items()), "max": rules.MAX_TEXT}  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
def opinion_start(request: HttpRequest) -> HttpResponse:
    """GET: the code; POST code: the form of its campaign."""
    if request.method == "GET":
        return render(request, "pingyi/stages/opinion_start.html")
    if (blocked := _blocked(request)) is not None:
        return blocked
    code = request.POST.get("code", "")
    try:
        campaign = opinion_code_campaign(code=code)
    except CodeRefused as exc:
        return _refused(request, exc)
    return render(request, "pingyi/stages/opinion_form.html", _form_context(campaign, code, {}))


@never_cache
@require_POST
def opinion_send_view(request: HttpRequest) -> HttpResponse:
    if (blocked := _blocked(request)) is not None:
        return blocked
    code = request.POST.get("code", "")
    entries = [(k[3:], str(v)) for k, v in request.POST.items() if k.startswith("op_")]
    try:
        opinion_send(code=code, entries=entries)
    except CodeRefused as exc:
        return _refused(request, exc)
    except RuleError as exc:
        # The form again with what was written and a note; the code is still unused.
        try:
            campaign = opinion_code_campaign(code=code)
        except CodeRefused as refused:
            return _refused(request, refused)
        context = {**_form_context(campaign, code, dict(entries)), "error": exc.message(_)}
        return render(request, "pingyi/stages/opinion_form.html", context, status=400)
    done = redirect("opinion-done")
    done.status_code = 303
    return done


@never_cache
def opinion_done(request: HttpRequest) -> HttpResponse:
    return render(request, "pingyi/stages/opinion_done.html")


# ------------------------------------------------------------------ the office


def _back(campaign: Campaign) -> HttpResponse:
    return redirect("stages:opinions", code=campaign.code)


@guarded
def opinions(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(request, code)
    actor = Actor.of(request.user)
    context = {
        "campaign": campaign,
        "office": access.office_access(request.user, campaign) == access.OFFICE,
        "collection": reads.collection(campaign),
        "summaries": reads.summaries(campaign=campaign, actor=actor),
        "round": reads.round_of(campaign),
    }
    return render(request, "pingyi/stages/opinions.html", context)


@guarded
@require_POST
def opinion_codes(request: HttpRequest, code: str) -> HttpResponse:
    """Issues codes and sends them once, as a CSV to print or to mail: they are kept nowhere."""
    campaign = _campaign(request, code)
    try:
        count = int(request.POST.get("count", "0"))
        issued = opinion_codes_issue(campaign=campaign, count=count, actor=Actor.of(request.user))
    except (ValueError, RuleError) as exc:
        message = exc.message(_) if isinstance(exc, RuleError) else _("Give a number of codes.")
        messages.error(request, message)
        return _back(campaign)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["序号", "意见表代码"])
    for n, plain in enumerate(issued.codes, start=1):
        writer.writerow([n, codes.grouped(plain)])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"{campaign.code}-opinion-codes-{issued.batch.pk}.csv"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


@guarded
@require_POST
def opinion_import(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(request, code)
    _office(request, campaign)  # 403 before the upload is read
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the filled-in template to upload."))
        return _back(campaign)
    try:
        with uploaded(upload) as path:
            report = opinions_import_file(
                campaign=campaign, path=path, label=upload.name or path.name,
                actor=Actor.of(request.user),
            )  # fmt: skip
    except InputError as exc:
        for line in exc.messages(_)[:20]:
            messages.error(request, line)
        return _back(campaign)
    except RuleError as exc:
        messages.error(request, exc.message(_))
        return _back(campaign)
    messages.success(
        request,
        _("Imported %(imported)s opinions; %(rejected)s rows of forms already imported.")
        % {"imported": report.imported, "rejected": len(report.rejected)},
    )
    return _back(campaign)


def _download(path_writer: object, campaign: Campaign, name: str) -> HttpResponse:
    with tempfile.TemporaryDirectory(prefix="pingyi-") as folder:
        path = Path(folder) / name
        path_writer(path)  # type: ignore[operator]
        body = path.read_bytes()
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


@guarded
def opinion_template(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(request, code)
    return _download(
        lambda p: write_opinion_template(p, campaign=campaign), campaign,
        f"{campaign.code}-征求意见表.xlsx",
    )  # fmt: skip


@guarded
def opinion_export(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(request, code)
    actor = Actor.of(request.user)
    return _download(
        lambda p: write_summaries(p, campaign=campaign, actor=actor), campaign,
        f"{campaign.code}-意见汇总.xlsx",
    )  # fmt: skip


@guarded
@require_POST
def opinion_close(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(request, code)
    opinions_close(campaign=campaign, actor=Actor.of(request.user))
    messages.success(request, _("The collection is closed; every opinion sent is in."))
    return _back(campaign)


@guarded
def opinion_unit(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """The office's sorting of one unit's opinions, its summary and the feedback."""
    found, role = _unit(request, code, unit)
    if role not in (access.OFFICE, access.READER):
        raise Http404
    actor = Actor.of(request.user)
    items = reads.unit_opinions(unit=found, actor=actor)
    context = {
        "campaign": found.campaign,
        "unit": found,
        "office": role == access.OFFICE,
        "opinions": items,
        "kept": [o for o in items if o.status in rules.KEPT],
        "categories": OpinionCategory.choices,
        "units": found.campaign.units.order_by("position"),
        "feedback": reads.feedback_of(found),
        "fed_back": reads.is_fed_back(found),
        "collection": reads.collection(found.campaign),
    }
    return render(request, "pingyi/stages/opinion_unit.html", context)


def _opinion(unit: Unit, pk: int) -> Opinion:
    if not 0 < pk < 2**63:  # a 62-bit random id; a longer number is no row (nor an overflow)
        raise Http404
    found = Opinion.objects.select_related("unit", "campaign").filter(unit=unit, pk=pk).first()
    if found is None:
        raise Http404
    return found


def _to_unit(unit: Unit) -> HttpResponse:
    return redirect("stages:opinion-unit", code=unit.campaign.code, unit=unit.code)


@guarded
@require_POST
def opinion_sort_view(request: HttpRequest, code: str, unit: str, pk: int) -> HttpResponse:
    found, role = _unit(request, code, unit)
    _only(role, access.OFFICE)
    opinion = _opinion(found, pk)
    return act(
        request,
        lambda: opinion_sort(
            opinion=opinion, category=request.POST.get("category", ""),
            unit_code=request.POST.get("unit") or None,
            wording=request.POST.get("wording"), actor=Actor.of(request.user),
        ),
        _("The opinion is sorted."),
        _to_unit(found),
    )  # fmt: skip


@guarded
@require_POST
def opinion_fold_view(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    found, role = _unit(request, code, unit)
    _only(role, access.OFFICE)
    try:
        into = _opinion(found, int(request.POST.get("into", "0")))
        folded = [_opinion(found, int(pk)) for pk in request.POST.getlist("fold")]
    except ValueError:
        raise Http404 from None
    status = rules.DUPLICATE if request.POST.get("how") == rules.DUPLICATE else rules.MERGED
    return act(
        request,
        lambda: opinions_fold(
            opinions=folded, into=into, status=status,
            wording=request.POST.get("wording"), actor=Actor.of(request.user),
        ),
        _("The opinions now stand behind the one kept."),
        _to_unit(found),
    )  # fmt: skip


@guarded
@require_POST
def feedback_view(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    found, role = _unit(request, code, unit)
    _only(role, access.OFFICE)
    send = "send" in request.POST
    return act(
        request,
        lambda: feedback_save(
            unit=found, summary=request.POST.get("summary", ""), send=send,
            actor=Actor.of(request.user),
        ),
        _("The opinions are fed back to the unit.") if send else _("Saved."),
        _to_unit(found),
    )  # fmt: skip


# ------------------------------------------------------------------ the unit


def _to_stage_page(unit: Unit) -> HttpResponse:
    return redirect("stages:unit", code=unit.campaign.code, unit=unit.code)


@guarded
@require_POST
def opinion_answer_view(request: HttpRequest, code: str, unit: str, pk: int) -> HttpResponse:
    found, _role = _unit(request, code, unit)
    opinion = _opinion(found, pk)
    return act(
        request,
        lambda: opinion_answer(
            opinion=opinion, measures=request.POST.get("measures", ""),
            actor=Actor.of(request.user), today=timezone.localdate(),
        ),
        _("The measures are saved."),
        _to_stage_page(found),
    )  # fmt: skip


@guarded
@require_POST
def rectification_report_view(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    found, _role = _unit(request, code, unit)
    file = request.FILES.get("file")
    return act(
        request,
        lambda: rectification_report_file(
            unit=found, text=request.POST.get("text", ""), upload=_upload(file),
            actor=Actor.of(request.user),
        ),
        _("The rectification report is filed."),
        _to_stage_page(found),
    )  # fmt: skip


@guarded
@require_POST
def rectification_receive_view(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    found, _role = _unit(request, code, unit)
    report = RectificationReport.objects.filter(unit=found).select_related("unit").first()
    if report is None:
        raise Http404
    return act(
        request,
        lambda: rectification_report_receive(report=report, actor=Actor.of(request.user)),
        _("The report is marked received."),
        _to_stage_page(found),
    )
