"""R19: staff sign-in. Throttled per account and per address, passwords hashed with PBKDF2 or
Argon2, a new session key at sign-in, sign-out and a lost role effective at the next request,
and CSRF on every form.

Passwords are hashed with a fast hasher here (the real one costs half a second a try, and
the cast has four users); the hashing test uses the settings as configured.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import get_hasher
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

import pingyi.settings as configured
from pingyi.accounts.models import Membership, Role
from tests.web.conftest import Cast, client_for
from tests.web.test_access_matrix import OWN_MATRIX

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
FAST = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PASSWORD = "erin-password-2026"


@pytest.fixture(autouse=True)
def _fast_hashing() -> Iterator[None]:
    with override_settings(PASSWORD_HASHERS=FAST):
        yield


@pytest.fixture
def erin(cast: Cast) -> User:
    """A staff member of Alice's office who signs in with a password."""
    user = User.objects.create_user("erin", password=PASSWORD)
    Membership.objects.create(
        user=user, organization=cast.campaign.series.organization, role=Role.STAFF
    )
    return user


def sign_in(client: Client, username: str, password: str, address: str = "127.0.0.1") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


# --- throttling -----------------------------------------------------------------------------


def test_a_sixth_wrong_password_for_one_account_is_refused_from_any_address(erin: User) -> None:
    limit = settings.PINGYI_LOGIN_FAILURES
    answers = [
        sign_in(Client(), "erin", "wrong", address=f"198.51.100.{n}").status_code
        for n in range(limit)
    ]
    assert answers == [200] * limit  # the form again, with "wrong user name or password"
    assert sign_in(Client(), "erin", "wrong", address="203.0.113.9").status_code == 429
    assert sign_in(Client(), "ERIN", "wrong", address="203.0.113.10").status_code == 429


def test_the_right_password_is_refused_while_the_account_is_throttled(erin: User) -> None:
    for _ in range(settings.PINGYI_LOGIN_FAILURES):
        sign_in(Client(), "erin", "wrong")
    client = Client()
    response = sign_in(client, "erin", PASSWORD, address="203.0.113.9")
    assert response.status_code == 429
    assert not signed_in(client)
    assert client.get("/staff/").status_code == 302


def test_one_address_trying_many_accounts_is_throttled(erin: User) -> None:
    """Per address the allowance is four accounts' worth of wrong passwords."""
    allowance = settings.PINGYI_LOGIN_FAILURES * 4
    answers = [
        sign_in(Client(), f"user{n}", "wrong", address="198.51.100.1").status_code
        for n in range(allowance)
    ]
    assert answers == [200] * allowance
    client = Client()
    assert sign_in(client, "erin", PASSWORD, address="198.51.100.1").status_code == 429
    assert not signed_in(client)
    # Erin herself, from her own address, is not locked out by someone else's guessing.
    assert sign_in(client, "erin", PASSWORD, address="198.51.100.2").status_code == 302
    assert signed_in(client)


@override_settings(PINGYI_LOGIN_FAILURES=2)
def test_the_threshold_is_the_setting_and_a_forged_forwarded_for_does_not_reset_it(
    erin: User,
) -> None:
    answers = [
        Client()
        .post(
            LOGIN,
            {"username": f"user{n}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
        .status_code
        for n in range(9)
    ]
    assert answers == [200] * 8 + [429]


# --- passwords and sessions -----------------------------------------------------------------


def test_passwords_are_hashed_with_pbkdf2_or_argon2(db: None) -> None:
    strong = {
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    }
    assert configured.PASSWORD_HASHERS[0] in strong
    with override_settings(PASSWORD_HASHERS=configured.PASSWORD_HASHERS):
        user = User.objects.create_user("frank", password="frank-password-2026")
        stored = User.objects.get(pk=user.pk).password
        assert stored.split("$")[0] in {"pbkdf2_sha256", "argon2"}
        assert stored.split("$")[0] == get_hasher().algorithm
        assert "frank-password-2026" not in stored
        assert Client().login(username="frank", password="frank-password-2026")


def test_the_session_key_changes_at_sign_in(erin: User) -> None:
    client = Client()
    before = client.session  # an anonymous session, as a visitor would have
    before["visited"] = True
    before.save()
    old_key = before.session_key
    assert client.cookies["sessionid"].value == old_key
    assert sign_in(client, "erin", PASSWORD).status_code == 302
    new_key = client.cookies["sessionid"].value
    assert new_key != old_key
    assert not SessionStore().exists(old_key)  # a fixated key is worth nothing
    assert signed_in(client)


def test_sign_out_ends_the_session_at_once(erin: User) -> None:
    client = Client()
    sign_in(client, "erin", PASSWORD)
    stolen = client.cookies["sessionid"].value
    assert client.get("/staff/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/staff/").url.startswith("/accounts/login/")  # type: ignore[attr-defined]
    # The old cookie, replayed from elsewhere, is dead on the server too.
    replay = Client()
    replay.cookies["sessionid"] = stolen
    response = replay.get("/staff/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)  # type: ignore[attr-defined]
    assert replay.get("/api/campaigns").status_code == 401


def test_signing_out_needs_a_post(erin: User) -> None:
    client = Client()
    sign_in(client, "erin", PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/staff/").status_code == 200


def test_removing_a_membership_takes_effect_on_the_next_request(cast: Cast) -> None:
    code = cast.campaign.code
    alice = client_for(cast.alice)
    assert alice.get(f"/staff/c/{code}/").status_code == 200
    assert alice.get(f"/api/campaigns/{code}").status_code == 200
    Membership.objects.filter(user=cast.alice).delete()
    assert alice.get(f"/staff/c/{code}/").status_code == 404
    assert alice.get(f"/api/campaigns/{code}").status_code == 404
    assert alice.post(f"/staff/c/{code}/transition", {"to": "close"}).status_code == 404
    assert alice.post(f"/api/campaigns/{code}/close").status_code == 404
    cast.campaign.refresh_from_db()
    assert cast.campaign.status == "open"


def test_lowering_a_role_takes_effect_on_the_next_request(cast: Cast) -> None:
    code = cast.campaign.code
    alice = client_for(cast.alice)
    Membership.objects.filter(user=cast.alice).update(role=Role.VIEWER)
    assert alice.get(f"/staff/c/{code}/").status_code == 200  # a viewer still reads
    assert alice.post(f"/staff/c/{code}/transition", {"to": "close"}).status_code == 403
    assert alice.post(f"/api/campaigns/{code}/close").status_code == 403
    cast.campaign.refresh_from_db()
    assert cast.campaign.status == "open"


def test_a_deactivated_account_is_signed_out_on_the_next_request(cast: Cast) -> None:
    alice = client_for(cast.alice)
    User.objects.filter(pk=cast.alice.pk).update(is_active=False)
    assert alice.get("/staff/").status_code == 302
    assert alice.get("/api/campaigns").status_code == 401


# --- CSRF on every form ---------------------------------------------------------------------


PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _sample(match: re.Match[str]) -> str:
    """A value for a route parameter of the apps with their own matrix: any that resolves."""
    if match[1] == "uuid":
        return "00000000-0000-4000-8000-000000000000"
    return "1" if match[1] == "int" else "x"


def _form_routes(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    """Every route outside the JSON API as (path, namespace); the campaign code as ``{code}``."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "api":
                continue
            if pattern.namespace == "admin":
                yield from (("/admin/login/", ""), ("/admin/logout/", ""))
                continue
            yield from _form_routes(pattern.url_patterns, route, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            path = "/" + route.replace("<slug:code>", "{code}")
            path = path.replace("<str:fmt>", "xlsx")
            path = PARAMETER.sub(_sample, path)
            assert "<" not in path, f"a new kind of route parameter: {path}"
            yield path, namespace


ROUTES = sorted(set(_form_routes(get_resolver().url_patterns)))
FORM_ROUTES = [path for path, _namespace in ROUTES]
# Core routes, where Alice may post: with the token, her request reaches the view.
CORE_ROUTES = [path for path, namespace in ROUTES if namespace not in OWN_MATRIX]


def test_the_route_list_covers_the_forms() -> None:
    assert {"/v/", "/v/submit", LOGIN, "/accounts/logout/", "/i18n/setlang/"} <= set(FORM_ROUTES)
    assert "/staff/c/{code}/transition" in FORM_ROUTES


def _signed_in(cast: Cast) -> SimpleCookie:
    """Alice's cookies: her session, and the CSRF cookie a page sets, as a browser has them."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.alice)
    client.get("/v/")
    return client.cookies


def _post(cast: Cast, cookies: SimpleCookie, path: str, *, with_token: bool) -> TestResponse:
    client = Client(enforce_csrf_checks=True)
    client.cookies = copy.deepcopy(cookies)  # each post from the same signed-in browser
    data = {"to": "nowhere", "code": "nope", "language": "en"}
    if with_token:
        data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    return client.post(path.format(code=cast.campaign.code), data)


def _status(cast: Cast, cookies: SimpleCookie, path: str, *, with_token: bool) -> int:
    with transaction.atomic():  # every route meets the same state (a logout included)
        status = _post(cast, cookies, path, with_token=with_token).status_code
        transaction.set_rollback(True)
    return status


def test_every_form_refuses_a_post_without_the_csrf_token(cast: Cast) -> None:
    alice = _signed_in(cast)
    without = {path: _status(cast, alice, path, with_token=False) for path in FORM_ROUTES}
    assert without == dict.fromkeys(FORM_ROUTES, 403)
    # and it was the token: the same request with it gets through to the view
    refused = [p for p in CORE_ROUTES if _status(cast, alice, p, with_token=True) == 403]
    assert refused == []


def test_the_staff_api_refuses_a_session_post_without_the_csrf_token(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.alice)
    response = client.post(f"/api/campaigns/{cast.campaign.code}/close")
    assert response.status_code == 403 and response.json() == {"detail": "CSRF check Failed"}
    cast.campaign.refresh_from_db()
    assert cast.campaign.status == "open"


def test_a_nul_in_the_user_name_is_refused_not_an_error(erin: User) -> None:
    client = Client()
    response = sign_in(client, "erin\x00", PASSWORD)
    assert response.status_code == 400
    assert "the form field username holds a NUL character" in response.content.decode()
    assert not signed_in(client)
