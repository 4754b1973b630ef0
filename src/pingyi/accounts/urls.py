"""The people pages of an office (`accounts:<name>`) and a person's own password pages."""

from __future__ import annotations

from django.urls import path

from pingyi.accounts import views

app_name = "accounts"
OFFICE = "staff/people/<slug:org>/"

urlpatterns = [
    path("staff/people/", views.people_home, name="people-home"),
    path(OFFICE, views.people, name="people"),
    path(OFFICE + "roles", views.role_add, name="role-add"),
    path(OFFICE + "roles/remove", views.role_remove, name="role-remove"),
    path(OFFICE + "active", views.active_set, name="active"),
    path(OFFICE + "import", views.people_upload, name="import"),
    path(OFFICE + "template.xlsx", views.people_template, name="template"),
    path("accounts/password/", views.PasswordChange.as_view(), name="password"),
    path("accounts/invitation/<str:token>/", views.invitation, name="invitation"),
]
