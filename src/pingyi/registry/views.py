"""The registry's pages: the office and the registering units (staff), the kept list (public).

Each view: parse, call one service or selector, render. Another organization's clean-up, or
a project of another unit, is simply not found (R17).
"""

from __future__ import annotations

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
from pingyi.registry import selectors as sel
from pingyi.registry import services
from pingyi.registry.access import Access, access_for
from pingyi.registry.files import read_registration_form, read_statistics_table
from pingyi.registry.forms import (
    BasisForm,
    CleanupForm,
    DecisionForm,
    ExclusionForm,
    ImportForm,
    MemberForm,
    ProjectForm,
    PublishForm,
    UnitForm,
    bulk_form,
)
from pingyi.registry.models import Cleanup, Project, RegisteringUnit, Round
from pingyi.registry.workbooks import write_form_template, write_statistics, write_stats_template
from pingyi.rules import registry as rules
from pingyi.rules.errors import InputError, RuleError
from pingyi.web.shared import (
    XLSX,
    act,
    act_on_form,
    confirmation,
    create_page,
    download,
    guarded,
    uploaded,
    written,
)


def _cleanup(request: HttpRequest, code: str) -> tuple[Cleanup, Access]:
    cleanup = sel.cleanups_for(request.user).filter(code=code).first()
    if cleanup is None:
        raise Http404
    return cleanup, access_for(Actor.of(request.user), cleanup)


def _running(request: HttpRequest, code: str) -> tuple[Cleanup, Access]:
    cleanup, access = _cleanup(request, code)
    if not access.run:
        raise AccessDenied
    return cleanup, access


def _registerable(cleanup: Cleanup, access: Access) -> Any:
    units = cleanup.units.order_by("code")
    return units if access.run else units.filter(pk__in=access.units)


def _actor(request: HttpRequest) -> Actor:
    return Actor.of(request.user)


# --------------------------------------------------------------------------- the office


@guarded
def home(request: HttpRequest) -> HttpResponse:
    cleanups = sel.cleanups_for(request.user).order_by("-started_on", "code")
    can_create = organizations_for(request.user, RUN).exists()
    return render(
        request, "pingyi/registry/home.html", {"cleanups": cleanups, "can_create": can_create}
    )


@guarded
def cleanup_new(request: HttpRequest) -> HttpResponse:
    organizations = organizations_run(request.user)
    form = CleanupForm(request.POST or None, organizations=organizations)
    return create_page(
        request,
        form,
        lambda data: services.cleanup_create(**data, actor=_actor(request)),
        done=_("Clean-up created. Add the registering units."),
        to=cleanup_url,
        template="pingyi/registry/cleanup_new.html",
    )


@guarded
def cleanup_detail(request: HttpRequest, code: str) -> HttpResponse:
    cleanup, access = _cleanup(request, code)
    units = _registerable(cleanup, access)
    rounds = [(value, label) for value, label in Round.choices]
    context: dict[str, Any] = {
        "cleanup": cleanup,
        "access": access,
        "rows": sel.project_rows(cleanup, access),
        "stats": sel.cleanup_stats(cleanup) if access.read_all else None,
        "target": rules.percent_text(Fraction(cleanup.target)),
        "rounds": rounds,
        "next_round": rules.NEXT_ROUND.get(cleanup.round),
        "next_label": dict(rounds).get(rules.NEXT_ROUND.get(cleanup.round, "")),
        "units": units,
        "all_units": cleanup.units.order_by("code").prefetch_related("members__user"),
        "unit_form": UnitForm(),
        "member_form": MemberForm(units=cleanup.units.order_by("code")),
        "import_form": ImportForm(units=units),
        "open": cleanup.round != Round.PUBLISHED,
        "deadlines": sel.cleanup_deadlines(cleanup, timezone.localdate()),
    }
    if cleanup.round in rules.DECIDING_ROUNDS and access.may_decide_some(cleanup):
        context["bulk_form"] = bulk_form(cleanup, access)
        context["bulk_ids"] = set(
            context["bulk_form"].fields["projects"].queryset.values_list("pk", flat=True)
        )
    return render(request, "pingyi/registry/cleanup.html", context)


def _what_opens(cleanup: Cleanup, target: str) -> list[str]:
    labels = dict(Round.choices)
    lines = [
        _("The clean-up leaves “%(current)s” and enters “%(next)s”; it cannot go back.")
        % {"current": labels.get(cleanup.round, cleanup.round), "next": labels.get(target, target)}
    ]
    undecided = sel.undecided_in_round(cleanup, cleanup.round)
    if cleanup.round in rules.COMPLETE_ROUNDS and undecided:
        lines.append(
            _("%(n)s projects still lack this round's decision: the move will be refused.")
            % {"n": undecided}
        )
    if target == rules.PUBLISHED:
        lines.append(
            _("The kept list is published on its public page, and no decision changes after.")
        )
        total = sel.cleanup_stats(cleanup).total
        if total.target_met is False:
            lines.append(
                _(
                    "The reduction rate is %(rate)s, below the target of %(target)s: record "
                    "why the list goes out all the same. The reason is kept, audited and "
                    "printed with the list."
                )
                % {
                    "rate": rules.percent_text(total.reduction_rate),
                    "target": rules.percent_text(total.target),
                }
            )
    else:
        lines.append(_("The decisions of “%(next)s” open.") % {"next": labels.get(target, target)})
    return lines


@guarded
@require_http_methods(["GET", "POST"])
def cleanup_advance(request: HttpRequest, code: str) -> HttpResponse:
    """GET ?to=ROUND: the confirmation page; POST: the move."""
    cleanup, _access = _running(request, code)
    if request.method == "GET":
        target = str(request.GET.get("to", ""))
        if target != rules.NEXT_ROUND.get(cleanup.round):
            return redirect(cleanup_url(cleanup))
        if target == rules.PUBLISHED:
            return _publish_confirmation(request, cleanup)
        return confirmation(
            request,
            title=_("Move on to: %(round)s") % {"round": dict(Round.choices)[target]},
            consequences=_what_opens(cleanup, target),
            button=_("Move on to: %(round)s") % {"round": dict(Round.choices)[target]},
            back=cleanup_url(cleanup),
            fields={"to": target},
        )
    target = str(request.POST.get("to", ""))
    reason = str(request.POST.get("reason", ""))[:4000]
    if target == rules.PUBLISHED and rules.NEXT_ROUND.get(cleanup.round) == target:
        try:
            services.cleanup_advance(
                cleanup=cleanup, target=target, actor=_actor(request), reason=reason
            )
        except RuleError as exc:  # below the target without a reason: ask again, here
            return _publish_confirmation(request, cleanup, error=exc.message(_), status=400)
        messages.success(request, _("The clean-up moved to the next round."))
        return redirect(cleanup_url(cleanup))
    return act(
        request,
        lambda: services.cleanup_advance(cleanup=cleanup, target=target, actor=_actor(request)),
        _("The clean-up moved to the next round."),
        cleanup_url(cleanup),
    )


def _publish_confirmation(
    request: HttpRequest, cleanup: Cleanup, *, error: str = "", status: int = 200
) -> HttpResponse:
    """The confirmation before publishing: the consequences, the reduction against the
    target, and (below it) the reason to record."""
    total = sel.cleanup_stats(cleanup).total
    title = _("Move on to: %(round)s") % {"round": dict(Round.choices)[rules.PUBLISHED]}
    context = {
        "title": title,
        "button": title,
        "consequences": _what_opens(cleanup, rules.PUBLISHED),
        "back": cleanup_url(cleanup),
        "fields": {"to": "published"},
        "below": total.target_met is False,
        "rate": rules.percent_text(total.reduction_rate),
        "target": rules.percent_text(total.target),
        "form": PublishForm(request.POST or None),
        "error": error,
    }
    return render(request, "pingyi/registry/publish_confirm.html", context, status=status)


def cleanup_url(cleanup: Cleanup) -> str:
    return reverse("registry:cleanup", kwargs={"code": cleanup.code})


@guarded
@require_POST
def unit_new(request: HttpRequest, code: str) -> HttpResponse:
    cleanup, _access = _running(request, code)
    form = UnitForm(request.POST)
    return act_on_form(
        request,
        form,
        lambda data: services.unit_add(cleanup=cleanup, **data, actor=_actor(request)),
        _("Registering unit added."),
        cleanup_url(cleanup),
        invalid=_("Give the unit a code and a name."),
    )


@guarded
@require_POST
def member_new(request: HttpRequest, code: str) -> HttpResponse:
    cleanup, _access = _running(request, code)
    form = MemberForm(request.POST, units=cleanup.units.all())
    return act_on_form(
        request,
        form,
        lambda data: services.unit_member_add(
            unit=data["unit"], username=data["username"].strip(), actor=_actor(request)
        ),
        _("The user now registers for the unit."),
        cleanup_url(cleanup),
        invalid=_("Choose a unit and give a user name."),
    )


# --------------------------------------------------------------------------- registering


@guarded
def project_new(request: HttpRequest, code: str) -> HttpResponse:
    cleanup, access = _cleanup(request, code)
    units = _registerable(cleanup, access)
    if not units.exists():
        raise AccessDenied
    form = ProjectForm(request.POST or None, units=units)
    return create_page(
        request,
        form,
        lambda data: services.project_register(
            cleanup=cleanup, unit=data["unit"], spec=form.spec(), actor=_actor(request)
        ),
        done=_("Project registered."),
        to=lambda project: reverse(
            "registry:project", kwargs={"code": cleanup.code, "pk": project.pk}
        ),
        template="pingyi/registry/project_new.html",
        context={"cleanup": cleanup},
    )


def _import(cleanup: Cleanup, access: Access, form: ImportForm, actor: Actor) -> str:
    """Reads the uploaded table and records it; returns the success message."""
    unit: RegisteringUnit = form.cleaned_data["unit"]
    upload = form.cleaned_data["file"]
    with uploaded(upload) as path:
        if form.cleaned_data["kind"] == "form":
            registered = frozenset(sel.names_of(unit))
            specs = read_registration_form(path, upload.name, registered=registered)
            projects = services.projects_import(
                cleanup=cleanup, unit=unit, specs=specs, actor=actor
            )
            return _("Registered %(count)s projects.") % {"count": len(projects)}
        if not access.may_decide_for(cleanup, unit):
            raise AccessDenied
        rows = read_statistics_table(
            path, upload.name, own=sel.names_of(unit), targets=sel.merge_targets(cleanup)
        )
    decisions = services.decisions_import(cleanup=cleanup, rows=rows, actor=actor)
    return _("Recorded %(count)s decisions.") % {"count": len(decisions)}


@guarded
@require_POST
def project_import(request: HttpRequest, code: str) -> HttpResponse:
    cleanup, access = _cleanup(request, code)
    units = _registerable(cleanup, access)
    if not units.exists():
        raise AccessDenied
    form = ImportForm(request.POST, request.FILES, units=units)
    context: dict[str, Any] = {"cleanup": cleanup, "problems": [], "done": None}
    if form.is_valid():
        try:
            context["done"] = _import(cleanup, access, form, _actor(request))
        except InputError as exc:
            context["problems"] = exc.messages(_)
        except RuleError as exc:
            context["problems"] = [exc.message(_)]
    else:
        context["problems"] = [_("Choose a unit, a table and a file.")]
    status = 200 if context["done"] else 400
    return render(request, "pingyi/registry/import_report.html", context, status=status)


@guarded
def form_template(request: HttpRequest, code: str) -> HttpResponse:
    cleanup, _access = _cleanup(request, code)
    content = written(lambda p: write_form_template(p, cleanup=cleanup), ".xlsx")
    return download(content, f"{cleanup.code}-registration-form.xlsx", XLSX)


@guarded
def stats_template(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    cleanup, access = _cleanup(request, code)
    found = _registerable(cleanup, access).filter(code=unit).first()
    if found is None:
        raise Http404
    content = written(lambda p: write_stats_template(p, cleanup=cleanup, unit=found), ".xlsx")
    return download(content, f"{cleanup.code}-{found.code}-self-check.xlsx", XLSX)


@guarded
def statistics_download(request: HttpRequest, code: str) -> HttpResponse:
    cleanup, access = _cleanup(request, code)
    if not access.read_all:
        raise AccessDenied
    stats = sel.cleanup_stats(cleanup)
    content = written(lambda p: write_statistics(p, cleanup=cleanup, stats=stats), ".xlsx")
    return download(content, f"{cleanup.code}-statistics.xlsx", XLSX)


# --------------------------------------------------------------------------- deciding


def _project(request: HttpRequest, code: str, pk: int) -> tuple[Cleanup, Access, Project]:
    cleanup, access = _cleanup(request, code)
    project = sel.projects_for(cleanup, access).filter(pk=pk).first()
    if project is None:
        raise Http404
    return cleanup, access, project


def _decision_form(cleanup: Cleanup, project: Project, data: Any = None) -> DecisionForm:
    projects = cleanup.projects.exclude(pk=project.pk).select_related("unit").order_by("id")
    return DecisionForm(data, projects=projects)


def _suggested_target(cleanup: Cleanup, row: sel.ProjectRow) -> Project | None:
    target = row.suggestion.merge_into
    return None if target is None else cleanup.projects.filter(pk=int(str(target))).first()


@guarded
def project_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    cleanup, access, project = _project(request, code, pk)
    row = sel.project_row(cleanup, project)
    may_decide = (
        cleanup.round in rules.DECIDING_ROUNDS
        and access.may_decide(cleanup, project)
        and not project.exclusion
    )
    current = row.by_round.get(cleanup.round)
    initial = {"decision": row.suggestion.decision, "merge_into": row.suggestion.merge_into}
    if current is not None:
        initial = {"decision": current.decision, "merge_into": current.merge_into_id}
    form = _decision_form(cleanup, project)
    form.initial = initial
    context = {
        "cleanup": cleanup,
        "project": project,
        "row": row,
        "rounds": [(value, label, row.by_round.get(value)) for value, label in Round.choices],
        "may_decide": may_decide,
        "form": form,
        "flag_texts": [rules.FLAG_TEXTS[f] for f in project.flags],
        "suggested_target": _suggested_target(cleanup, row),
        "documents": list(project.documents.all()),
        "open": cleanup.round != Round.PUBLISHED,
        "may_register": access.may_register(project.unit),
        "may_scope": cleanup.round in rules.DECIDING_ROUNDS and access.may_decide(cleanup, project),
        "exclusion_form": ExclusionForm(),
        "basis_form": BasisForm(),
    }
    return render(request, "pingyi/registry/project.html", context)


@guarded
@require_POST
def project_decide(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    cleanup, access, project = _project(request, code, pk)
    if not access.may_decide(cleanup, project):
        raise AccessDenied
    form = _decision_form(cleanup, project, request.POST)
    here = f"{cleanup_url(cleanup)}p/{project.pk}/"
    return act_on_form(
        request,
        form,
        lambda data: services.project_decide(
            project=project,
            decision=data["decision"],
            reason=data["reason"],
            merge_into=data["merge_into"],
            money_saved=data["money_saved"],
            actor=_actor(request),
        ),
        _("Decision recorded."),
        here,
        invalid=_("Choose a decision; a merge needs the project it merges into."),
    )


# --------------------------------------------------------------------------- public


def kept_index(request: HttpRequest) -> HttpResponse:
    cleanups = sel.published_cleanups().order_by("-published_at")
    return render(request, "pingyi/registry/kept_index.html", {"cleanups": cleanups})


def kept_list(request: HttpRequest, code: str) -> HttpResponse:
    cleanup = sel.published_cleanups().filter(code=code).first()
    if cleanup is None:
        raise Http404
    context: dict[str, Any] = {"cleanup": cleanup, "projects": sel.kept_projects(cleanup)}
    if cleanup.publish_reason:
        total = sel.cleanup_stats(cleanup).total
        context["rate"] = rules.percent_text(total.reduction_rate)
        context["target"] = rules.percent_text(total.target)
    return render(request, "pingyi/registry/kept.html", context)
