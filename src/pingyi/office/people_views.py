"""The people page of an office (人员与权限), for its administrators only: who may do what,
across accounts, grading and rectification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingyi.accounts.actors import AccessDenied, Actor
from pingyi.accounts.models import Membership, Organization
from pingyi.accounts.selectors import public_address
from pingyi.accounts.services import invitation_token
from pingyi.exports.input_templates import write_people_template
from pingyi.office.access import administers, offices_administered
from pingyi.office.people import PersonRole, people_list, scope_targets
from pingyi.office.people_forms import PeopleFileForm, PersonForm, RoleForm
from pingyi.office.people_services import (
    NewPerson,
    people_import,
    person_active_set,
    person_add,
    person_role_add,
    person_role_remove,
)
from pingyi.rules.errors import RuleError
from pingyi.web.shared import XLSX, download, guarded, submitted, uploaded, written


def _office(request: HttpRequest, org: str) -> Organization:
    """The office ``org`` if the user administers it (asked early: the services ask the same,
    office.access); 403 for its other people, else 404."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("organization")
        .filter(user_id=user.pk, organization__code=org)
        .first()
    )
    if membership is None:
        raise Http404
    if not administers(membership.role):
        raise AccessDenied
    return membership.organization


@guarded
def people_home(request: HttpRequest) -> HttpResponse:
    office = offices_administered(request.user).order_by("code").first()
    if office is None:
        raise AccessDenied
    return redirect("people:people", org=office.code)


def _page(request: HttpRequest, office: Organization, **context: Any) -> HttpResponse:
    targets = scope_targets(office)
    people = people_list(office)
    context.setdefault("form", PersonForm(targets=targets))
    context.setdefault("role_form", RoleForm(targets=targets, people=[p.username for p in people]))
    context.setdefault("file_form", PeopleFileForm())
    context |= {"office": office, "people": people, "me": request.user.get_username()}
    status = 400 if request.method == "POST" else 200
    return render(request, "pingyi/staff/people.html", context, status=status)


def _invitation_url(request: HttpRequest, office: Organization, user: Any) -> str:
    path = reverse("accounts:invitation", kwargs={"token": invitation_token(user)})
    address = public_address(office)
    return address.url + path if address.usable else request.build_absolute_uri(path)


def _shown_once(
    request: HttpRequest, office: Organization, people: list[NewPerson]
) -> HttpResponse:
    """The new people with their one-time passwords or links: never stored, never cached."""
    rows = [
        {
            "person": p,
            "link": "" if p.password else _invitation_url(request, office, p.user),
        }
        for p in people
    ]
    response = render(
        request,
        "pingyi/staff/people_added.html",
        {"office": office, "rows": rows, "login": request.build_absolute_uri(reverse("login"))},
    )
    response["Cache-Control"] = "no-store"
    return response


@guarded
def people(request: HttpRequest, org: str) -> HttpResponse:
    office = _office(request, org)
    if request.method != "POST":
        return _page(request, office)
    form = PersonForm(request.POST, targets=scope_targets(office))
    if form.is_valid():
        data = form.cleaned_data
        person = submitted(
            form,
            lambda: person_add(
                organization=office,
                username=data["username"],
                full_name=data["full_name"],
                role=data["role"],
                scope=data["scope"],
                invite=data["how"] == "invite",
                actor=Actor.of(request.user),
            ),
        )
        if person is not None:
            return _shown_once(request, office, [person])
    return _page(request, office, form=form)


@guarded
@require_POST
def role_add(request: HttpRequest, org: str) -> HttpResponse:
    office = _office(request, org)
    listed = {p.username: p.user for p in people_list(office)}
    form = RoleForm(request.POST, targets=scope_targets(office), people=list(listed))
    if form.is_valid():
        data = form.cleaned_data
        try:
            person_role_add(
                organization=office,
                user=listed[data["username"]],
                role=data["role"],
                scope=data["scope"],
                actor=Actor.of(request.user),
            )
        except RuleError as exc:
            form.add_error(None, exc.message(_))
        else:
            messages.success(
                request,
                _("%(name)s now also holds the role %(role)s.")
                % {"name": data["username"], "role": PersonRole(data["role"]).label},
            )
            return redirect("people:people", org=office.code)
    return _page(request, office, role_form=form)


@guarded
@require_POST
def role_remove(request: HttpRequest, org: str) -> HttpResponse:
    office = _office(request, org)
    try:
        name = person_role_remove(
            organization=office,
            key=str(request.POST.get("key", ""))[:30],
            actor=Actor.of(request.user),
        )
    except RuleError as exc:
        messages.error(request, exc.message(_))
    else:
        messages.success(request, _("Role of %(name)s removed.") % {"name": name})
    return redirect("people:people", org=office.code)


@guarded
@require_POST
def active_set(request: HttpRequest, org: str) -> HttpResponse:
    office = _office(request, org)
    listed = {p.username: p.user for p in people_list(office)}
    user = listed.get(str(request.POST.get("username", ""))[:150])
    active = request.POST.get("active") == "1"
    try:
        if user is None:
            raise RuleError("no such role or person in this office")
        person_active_set(
            organization=office, user=user, active=active, actor=Actor.of(request.user)
        )
    except RuleError as exc:
        messages.error(request, exc.message(_))
    else:
        done = _("%(name)s can sign in again.") if active else _("%(name)s is deactivated.")
        messages.success(request, done % {"name": user.get_username()})
    return redirect("people:people", org=office.code)


@guarded
@require_POST
def people_upload(request: HttpRequest, org: str) -> HttpResponse:
    """The whole file or nothing: every bad row listed with its row and column."""
    office = _office(request, org)
    form = PeopleFileForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]

        def run() -> list[NewPerson]:
            with uploaded(upload) as path:
                return people_import(
                    organization=office,
                    path=path,
                    label=upload.name or "people.xlsx",
                    actor=Actor.of(request.user),
                )

        added = submitted(form, run)
        if added is not None:
            return _shown_once(request, office, added)
    return _page(request, office, file_form=form)


@guarded
def people_template(request: HttpRequest, org: str) -> HttpResponse:
    office = _office(request, org)
    targets = scope_targets(office)
    kinds = {"k": _("Committee"), "o": _("Party organization"), "u": _("Unit")}
    scopes = [(str(kinds[k]), t.label) for k in ("k", "o", "u") for t in targets[k]]
    roles = [str(label) for label in PersonRole.labels]

    def write(path: Path) -> None:
        write_people_template(path, office=office.name, roles=roles, scopes=scopes)

    return download(written(write, ".xlsx"), "people-template.xlsx", XLSX)
