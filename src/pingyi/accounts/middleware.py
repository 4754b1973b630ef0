"""A person signed in with a one-time password goes nowhere but the password change."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

MUST_CHANGE = "pingyi_must_change_password"  # set at sign-in (office.views.Login)


class PasswordChangeRequired:
    """Redirects every page but the password change, sign-out and static files while the
    session carries the flag; the flag lives in the session, so no query per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.session.get(MUST_CHANGE) and request.user.is_authenticated:
            allowed = (reverse("accounts:password"), reverse("logout"), "/static/", "/i18n/")
            if not request.path.startswith(allowed):
                return redirect("accounts:password")
        return self.get_response(request)
