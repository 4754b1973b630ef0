"""The clean-up's pages beyond registering and deciding one project: deadlines, the bulk
decision, scope exclusions and basis documents. Parse, call one service, redirect back."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingyi import evidence
from pingyi.accounts.actors import AccessDenied
from pingyi.registry import services
from pingyi.registry.forms import BasisForm, ExclusionForm, bulk_form
from pingyi.registry.models import BasisDocument, Cleanup
from pingyi.registry.views import _actor, _cleanup, _project, _running, cleanup_url
from pingyi.rules import registry as rules
from pingyi.rules import registry_schedule as schedule_rules
from pingyi.rules.errors import InputError, RuleError
from pingyi.web.shared import NO_STORE, NotADay, act, guarded, posted_days, stored_download


@guarded
@require_POST
def schedule_set(request: HttpRequest, code: str) -> HttpResponse:
    """The office's own deadline for each round (a blank keeps the one shown)."""
    cleanup, _access = _running(request, code)
    try:
        changes = posted_days(request.POST, rules.ROUNDS)
    except NotADay as exc:
        word = _(schedule_rules.DEADLINE_WORDS[exc.key])
        messages.error(request, _("%(step)s: give the date as YYYY-MM-DD.") % {"step": word})
        return redirect(cleanup_url(cleanup))
    return act(
        request,
        lambda: services.schedule_set(cleanup=cleanup, changes=changes, actor=_actor(request)),
        _("Deadlines saved."),
        cleanup_url(cleanup),
    )


@guarded
@require_POST
def decide_bulk(request: HttpRequest, code: str) -> HttpResponse:
    cleanup, access = _cleanup(request, code)
    if not access.may_decide_some(cleanup):
        raise AccessDenied
    form = bulk_form(cleanup, access, request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the projects and choose one decision for them."))
        return redirect(cleanup_url(cleanup))
    data = form.cleaned_data
    try:
        done = services.decisions_bulk(
            cleanup=cleanup,
            projects=list(data["projects"].order_by("id")),
            decision=data["decision"],
            reason=data["reason"],
            merge_into=data["merge_into"],
            actor=_actor(request),
        )
    except InputError as exc:
        for line in exc.messages(_):
            messages.error(request, line)
    except RuleError as exc:
        messages.error(request, exc.message(_))
    else:
        messages.success(request, _("Recorded %(count)s decisions.") % {"count": len(done)})
    return redirect(cleanup_url(cleanup))


def _here(cleanup: Cleanup, pk: int) -> str:
    return f"{cleanup_url(cleanup)}p/{pk}/"


@guarded
@require_POST
def project_exclude(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    cleanup, access, project = _project(request, code, pk)
    if not access.may_decide(cleanup, project):
        raise AccessDenied
    form = ExclusionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why the project is out of scope."))
        return redirect(_here(cleanup, pk))
    return act(
        request,
        lambda: services.project_exclude(
            project=project,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            actor=_actor(request),
        ),
        _("The project is left out of the clean-up."),
        _here(cleanup, pk),
    )


@guarded
@require_POST
def project_include(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    cleanup, access, project = _project(request, code, pk)
    if not access.may_decide(cleanup, project):
        raise AccessDenied
    return act(
        request,
        lambda: services.project_include(project=project, actor=_actor(request)),
        _("The project is back in the clean-up and needs its decision."),
        _here(cleanup, pk),
    )


@guarded
@require_POST
def basis_add(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    cleanup, access, project = _project(request, code, pk)
    if not access.may_register(project.unit):
        raise AccessDenied
    form = BasisForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Give the document's title and the body that issued it."))
        return redirect(_here(cleanup, pk))
    data = form.cleaned_data
    file = data["file"]
    upload = None
    if file is not None:
        small = (file.size or 0) <= evidence.MAX_BYTES  # a larger one is refused unread
        upload = evidence.Upload(file.name or "file", file.read() if small else b"", file.size)
    return act(
        request,
        lambda: services.basis_document_add(
            project=project,
            title=data["title"],
            number=data["number"],
            issuer=data["issuer"],
            upload=upload,
            actor=_actor(request),
        ),
        _("Basis document attached."),
        _here(cleanup, pk),
    )


def _document(request: HttpRequest, code: str, pk: int, doc: int) -> BasisDocument:
    _found, _access, project = _project(request, code, pk)
    document = project.documents.filter(pk=doc).first()
    if document is None:
        raise Http404
    return document


@guarded
@require_POST
def basis_remove(request: HttpRequest, code: str, pk: int, doc: int) -> HttpResponse:
    cleanup, access, project = _project(request, code, pk)
    if not access.may_register(project.unit):
        raise AccessDenied
    document = _document(request, code, pk, doc)
    return act(
        request,
        lambda: services.basis_document_remove(document=document, actor=_actor(request)),
        _("Basis document removed."),
        _here(cleanup, pk),
    )


@guarded
def basis_file(request: HttpRequest, code: str, pk: int, doc: int) -> HttpResponse:
    """The document's file, to those who may read the project; a download, never rendered."""
    document = _document(request, code, pk, doc)
    path = evidence.path_of(document.stored_name) if document.stored_name else None
    return stored_download(path, document.original_name, document.content_type, NO_STORE)
