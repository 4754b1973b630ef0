"""A person's own password pages: after a one-time password, or from an invitation link. The
people page of an office is the office door's (office/people_views.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from pingyi.accounts.middleware import MUST_CHANGE
from pingyi.accounts.services import (
    invitation_accept,
    invitation_user,
    password_changed,
)


class PasswordChange(PasswordChangeView):
    """Django's own password change; after a one-time password the person lands here first
    and stays until they chose their own (middleware.py)."""

    template_name = "pingyi/accounts/password.html"
    success_url = reverse_lazy("staff-home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        password_changed(user=form.user)
        self.request.session.pop(MUST_CHANGE, None)
        messages.success(self.request, _("Your password is changed."))
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["forced"] = bool(self.request.session.get(MUST_CHANGE))
        return context


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invited person chooses their password, then signs in with it."""
    user = invitation_user(token[:500])
    if user is None:
        return render(request, "pingyi/accounts/invitation.html", {"void": True}, status=410)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        messages.success(request, _("Your password is set: sign in with it."))
        return redirect("login")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "pingyi/accounts/invitation.html", {"form": form, "person": user}, status=status
    )
