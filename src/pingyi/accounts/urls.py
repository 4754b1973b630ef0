"""A person's own password pages (`accounts:<name>`); the people pages are office/people_urls.py."""

from __future__ import annotations

from django.urls import path

from pingyi.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/password/", views.PasswordChange.as_view(), name="password"),
    path("accounts/invitation/<str:token>/", views.invitation, name="invitation"),
]
