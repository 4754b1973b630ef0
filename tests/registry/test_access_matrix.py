"""R17 for the registry: every route of `registry:` and every `api:registry_…` operation,
called as every role, answers what this checked-in matrix says.

The clean-up in the paths is Erin's office's, at its self-check round, with one project of
the organization department (Uma's unit). Victor registers for another unit of the same
clean-up and must not find that project; Charlie runs another organization and finds nothing.
The public pages show an earlier clean-up whose kept list is published.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from pingyi.evidence import Upload
from pingyi.registry.models import Project
from pingyi.registry.services import (
    basis_document_add,
    cleanup_advance,
    cleanup_create,
    project_decide,
    projects_import,
    unit_add,
)
from pingyi.rules import registry as r
from tests.chinese import FIXTURE_WORDS, ZH, english_of
from tests.once import ModuleRows
from tests.registry.conftest import OFFICE, START, Cast, as_, spec
from tests.web.conftest import client_for, client_with, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Built once for the module's tests, each test's writes rolled back (tests/once.py)."""
    return shared_cast


ROLES = ("public", "admin", "staff", "viewer", "unit", "other_unit", "other_org", "no_role")
LOGIN = 302
JSON = "application/json"
S = "/staff/registry/{code}/"
HIDDEN = {"other_org": 404, "no_role": 404}
OFFICE_ONLY = {"viewer": 403, "unit": 403, "other_unit": 403, **HIDDEN}

MATRIX: dict[str, tuple[str, str, Any, dict[str, int]]] = {
    "registry:home": ("GET", "/staff/registry/", None, {"public": LOGIN, "*": 200}),
    "registry:cleanup-new": (
        "GET",
        "/staff/registry/new",
        None,
        {"public": LOGIN, "admin": 200, "staff": 200, "other_org": 200, "*": 403},
    ),
    "registry:cleanup": ("GET", S, None, {"public": LOGIN, **HIDDEN, "*": 200}),
    "registry:advance": (
        "POST",
        S + "advance",
        {"to": "nowhere"},
        {"public": LOGIN, **OFFICE_ONLY, "*": 302},
    ),
    "registry:unit-new": ("POST", S + "units", {}, {"public": LOGIN, **OFFICE_ONLY, "*": 302}),
    "registry:member-new": ("POST", S + "members", {}, {"public": LOGIN, **OFFICE_ONLY, "*": 302}),
    "registry:project-new": (
        "GET",
        S + "register",
        None,
        {"public": LOGIN, "viewer": 403, **HIDDEN, "*": 200},
    ),
    "registry:import": (
        "POST",
        S + "import",
        {},
        {"public": LOGIN, "viewer": 403, **HIDDEN, "*": 400},
    ),
    "registry:form-template": (
        "GET",
        S + "registration-form.xlsx",
        None,
        {"public": LOGIN, **HIDDEN, "*": 200},
    ),
    "registry:stats-template": (
        "GET",
        S + "u/zzb/self-check.xlsx",
        None,
        {"public": LOGIN, "admin": 200, "staff": 200, "unit": 200, "*": 404},
    ),
    "registry:statistics": (
        "GET",
        S + "statistics.xlsx",
        None,
        {"public": LOGIN, "unit": 403, "other_unit": 403, **HIDDEN, "*": 200},
    ),
    "registry:project": (
        "GET",
        S + "p/{pk}/",
        None,
        {"public": LOGIN, "other_unit": 404, **HIDDEN, "*": 200},
    ),
    # self-check: the unit decides its own projects; an empty form goes back with a message
    "registry:decide": (
        "POST",
        S + "p/{pk}/decide",
        {},
        {"public": LOGIN, "viewer": 403, "other_unit": 404, **HIDDEN, "*": 302},
    ),
    "registry:deadlines": (
        "POST",
        S + "deadlines",
        {},
        {"public": LOGIN, **OFFICE_ONLY, "*": 302},
    ),
    # self-check: a unit decides its own projects together; an empty form goes back
    "registry:decide-bulk": (
        "POST",
        S + "decide",
        {},
        {"public": LOGIN, "viewer": 403, **HIDDEN, "*": 302},
    ),
    "registry:exclude": (
        "POST",
        S + "p/{pk}/exclude",
        {},
        {"public": LOGIN, "viewer": 403, "other_unit": 404, **HIDDEN, "*": 302},
    ),
    "registry:include": (
        "POST",
        S + "p/{pk}/include",
        {},
        {"public": LOGIN, "viewer": 403, "other_unit": 404, **HIDDEN, "*": 302},
    ),
    "registry:basis-add": (
        "POST",
        S + "p/{pk}/basis",
        {},
        {"public": LOGIN, "viewer": 403, "other_unit": 404, **HIDDEN, "*": 302},
    ),
    "registry:basis-remove": (
        "POST",
        S + "p/{pk}/basis/{doc}/remove",
        {},
        {"public": LOGIN, "viewer": 403, "other_unit": 404, **HIDDEN, "*": 302},
    ),
    "registry:basis-file": (
        "GET",
        S + "p/{pk}/basis/{doc}/file",
        None,
        {"public": LOGIN, "other_unit": 404, **HIDDEN, "*": 200},
    ),
    "registry:kept-index": ("GET", "/registry/", None, {"*": 200}),
    "registry:kept": ("GET", "/registry/{published}/", None, {"*": 200}),
    "api:registry_cleanups_list": (
        "GET",
        "/api/registry/cleanups",
        None,
        {"public": 401, "*": 200},
    ),
    "api:registry_cleanups_stats": (
        "GET",
        "/api/registry/cleanups/{code}/stats",
        None,
        {"public": 401, "unit": 403, "other_unit": 403, **HIDDEN, "*": 200},
    ),
    "api:registry_cleanups_projects": (
        "GET",
        "/api/registry/cleanups/{code}/projects",
        None,
        {"public": 401, **HIDDEN, "*": 200},
    ),
    "api:registry_projects_decide": (
        "POST",
        "/api/registry/cleanups/{code}/projects/{pk}/decision",
        {"decision": "keep"},
        {"public": 401, "viewer": 403, "other_unit": 404, **HIDDEN, "*": 200},
    ),
    "api:registry_cleanups_advance": (
        "POST",
        "/api/registry/cleanups/{code}/advance",
        {"to": "initial_audit"},  # the project is undecided: refused
        {"public": 401, **OFFICE_ONLY, "*": 409},
    ),
    "api:registry_kept_list": ("GET", "/api/registry/kept/{published}", None, {"*": 200}),
    "api:registry_cleanups_deadlines": (
        "GET",
        "/api/registry/cleanups/{code}/deadlines?today=2009-03-01",
        None,
        {"public": 401, **HIDDEN, "*": 200},
    ),
    "api:registry_cleanups_deadlines_set": (
        "PUT",
        "/api/registry/cleanups/{code}/deadlines",
        {"deadlines": {"published": "2009-05-20"}},
        {"public": 401, **OFFICE_ONLY, "*": 200},
    ),
    "api:registry_decisions_bulk": (
        "POST",
        "/api/registry/cleanups/{code}/decisions",
        {"projects": ["{pk}"], "decision": "keep"},
        {"public": 401, "viewer": 403, "other_unit": 404, **HIDDEN, "*": 200},
    ),
    "api:registry_projects_exclusion": (
        "POST",
        "/api/registry/cleanups/{code}/projects/{pk}/exclusion",
        {"reason": "business_rating"},
        {"public": 401, "viewer": 403, "other_unit": 404, **HIDDEN, "*": 200},
    ),
    "api:registry_projects_documents_add": (
        "POST",
        "/api/registry/cleanups/{code}/projects/{pk}/documents",
        {"title": "关于表彰的通知", "number": "中发〔2008〕1号", "issuer": "中共中央"},
        {"public": 401, "viewer": 403, "other_unit": 404, **HIDDEN, "*": 200},
    ),
}


def _routes(patterns: list[Any], namespace: str | None = None) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


def test_every_route_of_the_registry_is_in_the_matrix() -> None:
    routes = {
        route
        for route in _routes(get_resolver().url_patterns)
        if route.startswith(("registry:", "api:registry_"))
    }
    assert routes == set(MATRIX)


@pytest.fixture
def project(cast: Cast) -> Project:
    (project,) = projects_import(
        cleanup=cast.cleanup, unit=cast.department, specs=[spec("甲")], actor=as_("uma")
    )
    pdf = Upload("依据.pdf", b"%PDF-1.4 basis")
    basis_document_add(
        project=project, title="通知", issuer="中共中央", upload=pdf, actor=as_("uma")
    )
    earlier = cleanup_create(
        organization=cast.cleanup.organization, code="qingli-2008", name="2008年清理",
        started_on=START, actor=as_(OFFICE),
    )  # fmt: skip
    unit = unit_add(cleanup=earlier, code="u", name="某单位", actor=as_(OFFICE))
    projects_import(cleanup=earlier, unit=unit, specs=[spec("保留项目")], actor=as_(OFFICE))
    for name in (r.INITIAL_AUDIT, r.JOINT_MEETING, r.HIGHER_ADJUSTMENT, r.PUBLISHED):
        for p in earlier.projects.all():
            project_decide(project=p, decision=r.KEEP, actor=as_(OFFICE))
        cleanup_advance(cleanup=earlier, target=name, actor=as_(OFFICE), reason="唯一项目有依据")
    return project


def _users(cast: Cast) -> dict[str, User | None]:
    return {
        "public": None,
        "admin": cast.erin,
        "staff": cast.alice,
        "viewer": cast.bob,
        "unit": cast.uma,
        "other_unit": cast.victor,
        "other_org": cast.charlie,
        "no_role": cast.dave,
    }


@pytest.fixture(scope="module")
def sessions(module_db: ModuleRows, _cast_built: Cast) -> dict[str, str | None]:
    """Each role signed in once for the module's tests (tests/web/conftest.py: signed_in)."""
    return module_db.build(lambda: signed_in(_users(_cast_built)))


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_the_matrix_says(
    cast: Cast, project: Project, sessions: dict[str, str | None], name: str
) -> None:
    method, path, body, expected = MATRIX[name]
    doc = project.documents.get().pk
    url = path.format(code=cast.cleanup.code, pk=project.pk, doc=doc, published="qingli-2008")
    body = json.loads(json.dumps(body).replace('"{pk}"', str(project.pk)))
    got = {}
    english: dict[str, list[str]] = {}
    for role in ROLES:
        client = client_with(sessions[role])
        with transaction.atomic():  # every role meets the same state
            if method == "GET":
                response = client.get(url, headers=ZH)
            elif method == "PUT":
                response = client.put(url, json.dumps(body), content_type=JSON)
            elif url.startswith("/api/"):
                response = client.post(url, json.dumps(body or {}), content_type=JSON)
            else:
                response = client.post(url, body or {})
            transaction.set_rollback(True)
        got[role] = response.status_code
        english[role] = english_of(response, FIXTURE_WORDS)
    want = {role: expected.get(role, expected.get("*")) for role in ROLES}
    assert got == want
    assert {r: e for r, e in english.items() if e} == {}  # shown in Chinese


def test_another_organizations_clean_up_is_not_found_by_its_code(cast: Cast) -> None:
    for user in (cast.alice, cast.uma):
        response = client_for(user).get(f"/staff/registry/{cast.other.code}/")
        assert response.status_code == 404
