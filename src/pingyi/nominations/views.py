"""The nomination pages: the office and the nominating units (staff), the notice (public).

Each view parses, calls one service or selector, and renders. A round the reader has no part
in, or a unit's list out of the reader's reach, is not found (R17); a step the reader's role
does not allow is a 403 (the service decides, nominations.access).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.selectors import RUN, organizations_for, organizations_run
from pingyi.nominations import selectors as sel
from pingyi.nominations import services
from pingyi.nominations.access import Access, access_for
from pingyi.nominations.forms import (
    AnswerForm,
    MemberForm,
    NomineeForm,
    OpinionForm,
    ReasonForm,
    RoundForm,
    UnitForm,
)
from pingyi.nominations.models import NominatingUnit, NominationRound, Phase
from pingyi.nominations.workbook import write_nominee_template, write_nominees
from pingyi.notices.forms import TrackForm
from pingyi.notices.views import TRACK_WINDOW
from pingyi.registry.models import Project
from pingyi.registry.selectors import kept_projects, published_cleanups
from pingyi.rules import nominations as rules
from pingyi.rules.errors import InputError, RuleError, gettext_noop
from pingyi.web.ratelimit import client_address, limited, record
from pingyi.web.settings_access import limits
from pingyi.web.shared import (
    XLSX,
    act,
    act_on_form,
    create_page,
    download,
    guarded,
    posted_days,
    uploaded,
    written,
)

DONE = {
    rules.SUBMIT: gettext_noop("List submitted to the level above."),
    rules.RECOMMEND: gettext_noop("List recommended to the level above."),
    rules.RETURN: gettext_noop("List returned to its unit."),
    rules.APPROVE: gettext_noop("List approved."),
}


def _round(request: HttpRequest, code: str) -> tuple[NominationRound, Access]:
    round_ = sel.rounds_for(request.user).filter(code=code).first()
    if round_ is None:
        raise Http404
    return round_, access_for(request.user, round_)


def _unit(request: HttpRequest, code: str, unit: str) -> tuple[NominationRound, Access, Any]:
    round_, access = _round(request, code)
    found = round_.units.select_related("parent", "slate").filter(code=unit).first()
    if found is None or not access.may_see(found):
        raise Http404
    return round_, access, found


def round_url(round_: NominationRound) -> str:
    return reverse("nominations:round", kwargs={"code": round_.code})


def slate_url(unit: NominatingUnit) -> str:
    return reverse("nominations:slate", kwargs={"code": unit.round.code, "unit": unit.code})


def _kept_projects() -> Any:
    ids = [p.pk for cleanup in published_cleanups() for p in kept_projects(cleanup)]
    return Project.objects.filter(pk__in=ids).select_related("cleanup").order_by("name")


# --------------------------------------------------------------------------- the office


@guarded
def home(request: HttpRequest) -> HttpResponse:
    rounds = sel.rounds_for(request.user).order_by("-started_on", "code")
    can_create = organizations_for(request.user, RUN).exists()
    return render(
        request, "pingyi/nominations/home.html", {"rounds": rounds, "can_create": can_create}
    )


@guarded
def round_new(request: HttpRequest) -> HttpResponse:
    organizations = organizations_run(request.user)
    form = RoundForm(request.POST or None, organizations=organizations, projects=_kept_projects())
    return create_page(
        request,
        form,
        lambda data: services.round_create(**data, actor=Actor.of(request.user)),
        done=_("Round created. Add the nominating units."),
        to=round_url,
        template="pingyi/nominations/round_new.html",
    )


@guarded
def round_detail(request: HttpRequest, code: str) -> HttpResponse:
    round_, access = _round(request, code)
    rows = sel.slate_rows(round_, access)
    context: dict[str, Any] = {
        "round": round_,
        "access": access,
        "rows": rows,
        "summary": sel.round_summary(round_) if access.read_all else None,
        "minimum": Fraction(round_.grassroots_minimum),
        "deadlines": sel.round_deadlines(round_, timezone.localdate()),
        "open": round_.phase == Phase.NOMINATING,
        "units": sel.round_units(round_),
        "unit_form": UnitForm(),
        "member_form": MemberForm(units=round_.units.order_by("code")),
        "reason_form": ReasonForm(),
        "opinions": sel.round_opinions(round_) if access.read_all else [],
        "answer_form": AnswerForm(),
    }
    return render(request, "pingyi/nominations/round.html", context)


def _office(request: HttpRequest, code: str) -> NominationRound:
    round_, access = _round(request, code)
    if not access.run:
        raise AccessDenied
    return round_


@guarded
@require_POST
def unit_new(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _office(request, code)
    form = UnitForm(request.POST)
    return act_on_form(
        request,
        form,
        lambda data: services.unit_add(round_=round_, **data, actor=Actor.of(request.user)),
        _("Nominating unit added."),
        round_url(round_),
        invalid=_("Give the unit a code and a name."),
    )


@guarded
@require_POST
def member_new(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _office(request, code)
    form = MemberForm(request.POST, units=round_.units.all())
    return act_on_form(
        request,
        form,
        lambda data: services.unit_member_add(
            unit=data["unit"], username=data["username"], actor=Actor.of(request.user)
        ),
        _("The user now nominates for the unit."),
        round_url(round_),
        invalid=_("Choose a unit and give a user name."),
    )


@guarded
@require_POST
def schedule_set(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _office(request, code)
    try:
        changes = posted_days(request.POST, rules.DEADLINES)
        raw_days = str(request.POST.get("notice_days", "")).strip()
        days = int(raw_days) if raw_days else None
    except ValueError:
        messages.error(request, _("Write the dates as YYYY-MM-DD and the days as a number."))
        return redirect(round_url(round_))
    return act(
        request,
        lambda: services.schedule_set(
            round_=round_, changes=changes, notice_days=days, actor=Actor.of(request.user)
        ),
        _("Deadlines saved."),
        round_url(round_),
    )


@guarded
@require_POST
def notice_publish(request: HttpRequest, code: str) -> HttpResponse:
    round_, _access = _round(request, code)
    reason = str(request.POST.get("reason", ""))[:4000]
    return act(
        request,
        lambda: services.notice_publish(round_=round_, reason=reason, actor=Actor.of(request.user)),
        _("The approved nominees are on public notice."),
        round_url(round_),
    )


@guarded
@require_POST
def round_close(request: HttpRequest, code: str) -> HttpResponse:
    round_, _access = _round(request, code)
    return act(
        request,
        lambda: services.round_close(round_=round_, actor=Actor.of(request.user)),
        _("The round is closed."),
        round_url(round_),
    )


@guarded
def nominees_download(request: HttpRequest, code: str) -> HttpResponse:
    round_, access = _round(request, code)
    if not access.read_all:
        raise AccessDenied
    rows = sel.slate_rows(round_)
    content = written(lambda p: write_nominees(p, round_=round_, rows=rows), ".xlsx")
    return download(content, f"{round_.code}-nominees.xlsx", XLSX)


# --------------------------------------------------------------------------- a unit's list


@guarded
def slate_detail(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    round_, access, found = _unit(request, code, unit)
    slate = found.slate
    nominees = list(slate.nominees.all())
    editable = (
        access.may_nominate(found)
        and round_.phase == Phase.NOMINATING
        and slate.status in (rules.DRAFT, rules.RETURNED)
    )
    waiting = slate.status == rules.SUBMITTED and round_.phase == Phase.NOMINATING
    acts = waiting and access.may_act_on(slate)
    context = {
        "round": round_,
        "unit": found,
        "slate": slate,
        "nominees": nominees,
        "figures": sel.slate_figures(slate),
        "minimum": Fraction(round_.grassroots_minimum),
        "steps": slate.steps.all(),
        "editable": editable,
        "may_recommend": acts and slate.waiting_at_id is not None,
        "may_approve": acts and slate.waiting_at_id is None,
        "may_return": acts,
        "form": NomineeForm(),
        "reason_form": ReasonForm(),
        "chain": _chain(found),
    }
    return render(request, "pingyi/nominations/slate.html", context)


def _chain(unit: NominatingUnit) -> list[str]:
    names = [unit.name]
    parent = unit.parent
    while parent is not None:
        names.append(parent.name)
        parent = parent.parent
    return [*names, unit.round.organization.name]


@guarded
@require_POST
def nominee_add(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    found = _unit(request, code, unit)[2]
    form = NomineeForm(request.POST)
    return act_on_form(
        request,
        form,
        lambda data: services.nominee_add(
            unit=found, spec=form.spec(), actor=Actor.of(request.user)
        ),
        _("Nominee added."),
        slate_url(found),
        invalid=_("A nominee needs a name, a workplace, a post and a rank."),
    )


@guarded
@require_POST
def nominee_remove(request: HttpRequest, code: str, unit: str, pk: int) -> HttpResponse:
    found = _unit(request, code, unit)[2]
    nominee = found.slate.nominees.filter(pk=pk).first()
    if nominee is None:
        raise Http404
    return act(
        request,
        lambda: services.nominee_remove(nominee=nominee, actor=Actor.of(request.user)),
        _("Nominee removed."),
        slate_url(found),
    )


@guarded
def nominee_template(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """The template a unit fills its list into: for whoever may nominate for the unit."""
    access, found = _unit(request, code, unit)[1:]
    if not access.may_nominate(found):
        raise AccessDenied
    content = written(lambda p: write_nominee_template(p, unit_name=found.name), ".xlsx")
    return download(content, f"{found.round.code}-{found.code}-nominees-template.xlsx", XLSX)


@guarded
@require_POST
def nominees_import(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    access, found = _unit(request, code, unit)[1:]
    if not access.may_nominate(found):
        raise AccessDenied  # 403 before the upload is read
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the filled-in template to upload."))
        return redirect(slate_url(found))
    try:
        with uploaded(upload) as path:
            report = services.nominees_import_file(
                unit=found, path=path, label=upload.name or path.name,
                actor=Actor.of(request.user),
            )  # fmt: skip
    except InputError as exc:
        for line in exc.messages(_)[:20]:
            messages.error(request, line)
        return redirect(slate_url(found))
    except RuleError as exc:
        messages.error(request, exc.message(_))
        return redirect(slate_url(found))
    messages.success(
        request,
        _("Imported %(imported)s nominees; they replace the %(replaced)s the list held.")
        % {"imported": report.imported, "replaced": report.replaced},
    )
    return redirect(slate_url(found))


@guarded
@require_POST
def slate_step(request: HttpRequest, code: str, unit: str, step: str) -> HttpResponse:
    if step not in DONE:
        raise Http404
    found = _unit(request, code, unit)[2]
    actor = Actor.of(request.user)
    reason = str(request.POST.get("reason", ""))[:4000]
    if step == rules.SUBMIT:
        run: Callable[[], object] = lambda: services.slate_submit(unit=found, actor=actor)  # noqa: E731
    elif step == rules.RECOMMEND:
        run = lambda: services.slate_recommend(slate=found.slate, actor=actor)  # noqa: E731
    elif step == rules.RETURN:
        run = lambda: services.slate_return(slate=found.slate, reason=reason, actor=actor)  # noqa: E731
    else:
        run = lambda: services.slate_approve(slate=found.slate, reason=reason, actor=actor)  # noqa: E731
    return act(request, run, _(DONE[step]), slate_url(found))


@guarded
@require_POST
def opinion_answer(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    round_ = _office(request, code)
    opinion = round_.opinions.filter(pk=pk).first()
    if opinion is None:
        raise Http404
    form = AnswerForm(request.POST)
    return act_on_form(
        request,
        form,
        lambda data: services.opinion_answer(
            opinion=opinion, answer=data["answer"], actor=Actor.of(request.user)
        ),
        _("The answer is recorded; the filer reads it with the tracking code."),
        round_url(round_),
        invalid=_("Write the answer."),
    )


# --------------------------------------------------------------------------- public


def notice_index(request: HttpRequest) -> HttpResponse:
    rounds = sel.public_rounds().order_by("-notice_start")
    return render(request, "pingyi/nominations/notice_index.html", {"rounds": rounds})


@require_http_methods(["GET", "POST"])
def notice(request: HttpRequest, code: str) -> HttpResponse:
    round_ = sel.public_rounds().filter(code=code).first()
    if round_ is None:
        raise Http404
    nominees = sel.nominees_on_notice(round_)
    today = timezone.localdate()
    taking = round_.phase == Phase.NOTICE and (
        round_.notice_end is None or today <= round_.notice_end
    )
    form = OpinionForm(request.POST if taking and request.method == "POST" else None,
                       nominees=nominees)  # fmt: skip
    status = 200
    if request.method == "POST":
        if not taking:
            messages.error(request, _("The notice period is over: no opinion is taken now."))
            return redirect(request.path)
        if form.is_valid():
            data = form.cleaned_data
            nominee = next(n for n in nominees if n.pk == data["nominee"])
            try:
                filed = services.opinion_file(
                    nominee=nominee, text=data["text"], contact=data["contact"],
                    actor=Actor.of(None),
                )  # fmt: skip
            except RuleError as exc:
                form.add_error(None, exc.message(_))
            else:
                response = render(request, "pingyi/nominations/opinion_filed.html",
                                  {"round": round_, "filed": filed}, status=201)  # fmt: skip
                response["Cache-Control"] = "no-store"
                return response
        status = 400
    context = {"round": round_, "nominees": nominees, "form": form, "taking": taking}
    return render(request, "pingyi/nominations/notice.html", context, status=status)


@require_http_methods(["GET", "POST"])
def opinion_track(request: HttpRequest) -> HttpResponse:
    """The filer reads the office's answer with the tracking code (POSTed, never in a URL);
    wrong codes count against the address as on the results' notice (R18)."""
    form = TrackForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "checked": False, "opinion": None}
    if request.method == "POST" and form.is_valid():
        address = client_address(request)
        if limited("track-fail", address, limit=limits().token_failures, window=TRACK_WINDOW):
            return render(request, "pingyi/vote/limited.html", status=429)
        opinion = sel.opinion_by_tracking(form.cleaned_data["code"])
        if opinion is None:
            record("track-fail", address, window=TRACK_WINDOW)
        context.update(checked=True, opinion=opinion)
    response = render(request, "pingyi/nominations/track.html", context)
    response["Cache-Control"] = "no-store"
    return response
