"""The office's own pages: signing in and out, and each person's landing (what their roles
wait for, across every process). A door above the apps: it reads their selectors."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pingyi.accounts.middleware import MUST_CHANGE
from pingyi.accounts.selectors import RUN, organizations_for
from pingyi.accounts.services import must_change_password
from pingyi.campaigns.selectors import campaigns_for
from pingyi.office.todo import reach_of, todos_for
from pingyi.web.ratelimit import client_address, limited, record
from pingyi.web.settings_access import limits
from pingyi.web.shared import guarded


class Login(LoginView):
    """Django's login, throttled per account and per address (R19); the session key rotates."""

    template_name = "pingyi/staff/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = str(request.POST.get("username", "")).strip().lower()
        address = client_address(request)
        window, limit = 900, limits().login_failures
        if limited("login-user", user, limit=limit, window=window) or limited(
            "login-addr", address, limit=limit * 4, window=window
        ):
            return render(request, "pingyi/vote/limited.html", status=429)
        response = super().post(request, *args, **kwargs)
        if not request.user.is_authenticated:
            record("login-user", user, window=window)
            record("login-addr", address, window=window)
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        """Signs in; a person holding a one-time password goes to change it first."""
        response = super().form_valid(form)
        if must_change_password(form.get_user()):
            self.request.session[MUST_CHANGE] = True
            return redirect("accounts:password")
        return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


@guarded
def home(request: HttpRequest) -> HttpResponse:
    """Each person's landing: what their roles wait for, then the office's campaigns."""
    context = {
        "todos": todos_for(request.user, today=timezone.localdate()),
        "reach": reach_of(request.user),
        "campaigns": campaigns_for(request.user).order_by("-year", "code"),
        "can_create": organizations_for(request.user, RUN).exists(),
    }
    return render(request, "pingyi/staff/home.html", context)
