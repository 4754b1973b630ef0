"""R17 for the people pages and a person's own password pages: every route of their
namespaces ("people", "accounts") as every role; a route missing from the matrix fails. Ada
administers the office, Stella is its staff, Victor its viewer, Carl administers another
office, Dave has no role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, get_resolver

from pingyi.accounts.models import Membership, Organization, Role
from tests.grading.conftest import office
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db

P = "/staff/people/office/"
LOGIN = 302
OFFICE_ONLY = {"admin": None, "staff": 403, "viewer": 403, "other_admin": 404, "no_role": 404}
MATRIX: dict[str, tuple[str, str, dict[str, int | None]]] = {
    "people-home": ("GET", "/staff/people/", {"admin": 302, "other_admin": 302, "*": 403}),
    "people": ("GET", P, {**OFFICE_ONLY, "admin": 200}),
    "role-add": ("POST", P + "roles", {**OFFICE_ONLY, "admin": 400}),
    "role-remove": ("POST", P + "roles/remove", {**OFFICE_ONLY, "admin": 302}),
    "active": ("POST", P + "active", {**OFFICE_ONLY, "admin": 302}),
    "import": ("POST", P + "import", {**OFFICE_ONLY, "admin": 400}),
    "template": ("GET", P + "template.xlsx", {**OFFICE_ONLY, "admin": 200}),
    # a person's own password: anyone signed in
    "password": ("GET", "/accounts/password/", {"*": 200}),
    # an invitation is its token: without a valid one, gone for everyone
    "invitation": ("GET", "/accounts/invitation/nope/", {"*": 410}),
}
ROLES = ("public", "admin", "staff", "viewer", "other_admin", "no_role")


def _clients() -> dict[str, object]:
    elsewhere = Organization.objects.create(code="elsewhere", name="另一个组织部")
    users = {}
    for role, name, organization, kind in (
        ("admin", "ada", office(), Role.ADMIN),
        ("staff", "stella", office(), Role.STAFF),
        ("viewer", "victor", office(), Role.VIEWER),
        ("other_admin", "carl", elsewhere, Role.ADMIN),
    ):
        users[role] = User.objects.create_user(name)
        Membership.objects.create(user=users[role], organization=organization, role=kind)
    users["no_role"] = User.objects.create_user("dave")
    return {"public": client_for(None), **{r: client_for(u) for r, u in users.items()}}


def test_every_people_route_answers_each_role_as_the_matrix_says() -> None:
    clients = _clients()
    got, expected = {}, {}
    for name, (method, path, outcome) in MATRIX.items():
        for role in ROLES:
            want = outcome.get(role, outcome.get("*"))
            if role == "public" and name != "invitation":
                want = LOGIN
            client = clients[role]
            response = client.get(path) if method == "GET" else client.post(path, {})  # type: ignore[attr-defined]
            got[(name, role)] = response.status_code
            expected[(name, role)] = want
    assert got == expected


def test_the_matrix_covers_every_route_of_the_namespaces() -> None:
    resolver = get_resolver()
    names = {
        p.name
        for r in resolver.url_patterns
        if getattr(r, "namespace", None) in ("accounts", "people")
        for p in r.url_patterns
        if isinstance(p, URLPattern)
    }
    assert names == set(MATRIX)
