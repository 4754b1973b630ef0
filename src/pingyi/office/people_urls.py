"""The people pages of an office (`people:<name>`)."""

from __future__ import annotations

from django.urls import path

from pingyi.office import people_views as views

app_name = "people"
OFFICE = "staff/people/<slug:org>/"

urlpatterns = [
    path("staff/people/", views.people_home, name="people-home"),
    path(OFFICE, views.people, name="people"),
    path(OFFICE + "roles", views.role_add, name="role-add"),
    path(OFFICE + "roles/remove", views.role_remove, name="role-remove"),
    path(OFFICE + "active", views.active_set, name="active"),
    path(OFFICE + "import", views.people_upload, name="import"),
    path(OFFICE + "template.xlsx", views.people_template, name="template"),
]
