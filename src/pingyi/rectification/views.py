"""The ledger's pages. Who may do what is decided per plan (selectors.plan_access):
the supervising office edits, approves close-outs and inspects; the unit's owner adds items
and progress with evidence; the office's viewers and the unit's members only read (R17).
A plan nobody gave the user access to is not found (404)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingyi import evidence
from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.selectors import RUN, organizations_for, organizations_run
from pingyi.rectification.access import EDITORS
from pingyi.rectification.forms import (
    AcceptForm,
    CloseOutForm,
    ImportForm,
    ItemForm,
    LeadersForm,
    LookBackForm,
    PeopleForm,
    ProgressForm,
    SurveyForm,
)
from pingyi.rectification.hooks import report_for_plan
from pingyi.rectification.models import Evidence, Item, Plan
from pingyi.rectification.selectors import (
    SUPERVISOR,
    ledger_rows,
    plan_access,
    plan_items,
    plan_list,
    plans_for,
)
from pingyi.rectification.services import (
    item_add,
    item_close_out,
    item_progress,
    plan_accept,
    plan_leaders_set,
    plan_reopen,
    plan_survey_start,
    unit_access_grant,
)
from pingyi.rules import ledger as ledger_rules
from pingyi.rules.errors import InputError
from pingyi.web.shared import NO_STORE, XLSX, act, act_on_form, guarded, stored_download, uploaded


def _plan(request: HttpRequest, pk: int, allowed: tuple[str, ...] | None = None) -> Plan:
    plan = plans_for(request.user).filter(pk=pk).first()
    access = plan_access(request.user, plan) if plan is not None else None
    if plan is None or access is None:
        raise Http404
    if allowed is not None and access not in allowed:
        raise AccessDenied
    return plan


def _item(request: HttpRequest, pk: int, allowed: tuple[str, ...]) -> Item:
    item = Item.objects.select_related("plan").filter(pk=pk).first()
    if item is None:
        raise Http404
    _plan(request, item.plan_id, allowed)
    return item


def _act(request: HttpRequest, plan_pk: int, run: Callable[[], object], done: str) -> HttpResponse:
    return act(request, run, done, redirect("rectification:plan", pk=plan_pk))


@guarded
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "plans": plan_list(request.user, today=today),
        "supervises": organizations_for(request.user, RUN).exists(),
        "import_form": ImportForm(),
    }
    return render(request, "pingyi/rectification/home.html", context)


@guarded
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    access = plan_access(request.user, plan)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "plan": plan,
        "items": plan_items(plan, today=today),
        "access": access,
        "can_edit": access in EDITORS and plan.status == "open",
        "supervisor": access == SUPERVISOR,
        "fair_or_poor": plan.basis in ("fair", "poor"),
        "item_form": ItemForm(),
        "progress_form": ProgressForm(),
        "close_form": CloseOutForm(),
        "leaders_form": LeadersForm(
            initial={"sponsor_leader": plan.sponsor_leader, "liaison": plan.liaison}
        ),
        "accept_form": AcceptForm(),
        "people_form": PeopleForm(),
        "survey_form": SurveyForm(initial={"year": today.year}),
        "lookback_form": LookBackForm(),
        "acceptance_due": today >= plan.period_ends,
        "panel": list(plan.panel.all()) if plan.verdict else [],
        "report": report_for_plan(plan),
    }
    return render(request, "pingyi/rectification/plan.html", context)


@guarded
@require_POST
def item_new(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, EDITORS)
    form = ItemForm(request.POST)
    return act_on_form(
        request,
        form,
        lambda data: item_add(plan=plan, actor=Actor.of(request.user), **data),
        _("Item added."),
        redirect("rectification:plan", pk=plan.pk),
        invalid=_("Fill in the problem, measures, target, owner and deadline."),
    )


@guarded
@require_POST
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk, EDITORS)
    form = ProgressForm(request.POST, request.FILES)
    if not form.is_valid():
        # Each field's own complaint, named (an empty evidence file is not "say what was done").
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
        return redirect("rectification:plan", pk=item.plan_id)
    uploads = request.FILES.getlist("evidence")
    if len(uploads) > evidence.MAX_FILES:  # counted before any file is read into memory
        messages.error(request, _(evidence.E_TOO_MANY) % {"max": evidence.MAX_FILES})
        return redirect("rectification:plan", pk=item.plan_id)
    files = [
        evidence.Upload(
            name=f.name or "file",
            content=f.read() if (f.size or 0) <= evidence.MAX_BYTES else b"",
            size=f.size or 0,
        )
        for f in uploads
    ]
    return _act(
        request,
        item.plan_id,
        lambda: item_progress(
            item=item,
            text=form.cleaned_data["text"],
            status=form.cleaned_data["status"] or None,
            files=files,
            actor=Actor.of(request.user),
        ),
        _("Progress recorded."),
    )


@guarded
@require_POST
def close_out(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk, (SUPERVISOR,))
    form = CloseOutForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _act(
        request,
        item.plan_id,
        lambda: item_close_out(item=item, actor=Actor.of(request.user), note=note),
        _("Closed out (销号)."),
    )


def _plan_form(
    request: HttpRequest,
    pk: int,
    form_class: type[Any],
    run: Callable[[Plan, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    plan = _plan(request, pk, (SUPERVISOR,))
    return act_on_form(
        request,
        form_class(request.POST),
        lambda data: run(plan, data),
        done,
        redirect("rectification:plan", pk=plan.pk),
        invalid=_("Fill in the form."),
    )


@guarded
@require_POST
def leaders(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.of(request.user)
    return _plan_form(
        request, pk, LeadersForm,
        lambda plan, d: plan_leaders_set(plan=plan, actor=actor, **d),
        _("Sponsor leader and liaison saved."),
    )  # fmt: skip


@guarded
@require_POST
def people(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervising office gives a person of the unit its owner's or a member's access."""
    actor = Actor.of(request.user)
    return _plan_form(
        request, pk, PeopleForm,
        lambda plan, d: unit_access_grant(plan=plan, actor=actor, **d),
        _("Access given."),
    )  # fmt: skip


@guarded
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.of(request.user)
    return _plan_form(
        request, pk, AcceptForm,
        lambda plan, d: plan_accept(
            plan=plan, actor=actor, verdict=d["verdict"], note=d["note"],
            members=ledger_rules.panel_from_text(d["panel"]),
        ),
        _("The acceptance inspection's verdict is recorded."),
    )  # fmt: skip


@guarded
@require_POST
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.of(request.user)
    return _plan_form(
        request, pk, SurveyForm,
        lambda plan, d: plan_survey_start(plan=plan, actor=actor, year=d["year"]),
        _("A repeat satisfaction survey was created as a draft campaign."),
    )  # fmt: skip


@guarded
@require_POST
def lookback(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.of(request.user)
    return _plan_form(
        request, pk, LookBackForm,
        lambda plan, d: plan_reopen(plan=plan, actor=actor, reason=d["reason"]),
        _("Look-back recorded; the plan is open again."),
    )  # fmt: skip


@guarded
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    """An evidence file, to those who may read its plan; never from a public URL."""
    found = Evidence.objects.select_related("note__item").filter(pk=pk).first()
    if found is None:
        raise Http404
    _plan(request, found.note.item.plan_id)
    path = evidence.path_of(found.stored_name)
    return stored_download(path, found.original_name, found.content_type, NO_STORE)


@guarded
def ledger_xlsx(request: HttpRequest) -> HttpResponse:
    from pingyi.rectification.exports import write_ledger

    today = timezone.localdate()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.xlsx"
        write_ledger(path, ledger_rows(request.user), today=today)
        content = path.read_bytes()
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ledger-{today.isoformat()}.xlsx"'
    return response


@guarded
@require_POST
def ledger_upload(request: HttpRequest) -> HttpResponse:
    """Bulk update: a report of every row, imported or rejected with its reason."""
    from pingyi.rectification.imports import ledger_import

    organizations_run(request.user)
    form = ImportForm(request.POST, request.FILES)
    context: dict[str, Any] = {"problems": [], "outcomes": []}
    if not form.is_valid():
        context["problems"] = [_("Choose a file to upload.")]
    else:
        upload = form.cleaned_data["file"]
        try:
            with uploaded(upload) as path:
                context["outcomes"] = ledger_import(
                    path=path,
                    label=upload.name or "ledger",
                    actor=Actor.of(request.user),
                    today=timezone.localdate(),
                )
        except InputError as exc:
            context["problems"] = exc.messages(_)
    outcomes = context["outcomes"]
    context["imported"] = sum(1 for o in outcomes if o.imported)
    context["rejected"] = [(o, o.message(_)) for o in outcomes if not o.imported]
    status = 400 if context["problems"] else 200
    return render(request, "pingyi/rectification/import_report.html", context, status=status)
