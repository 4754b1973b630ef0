"""The registry pages, named `registry:<name>`; access matrix in tests/registry/."""

from __future__ import annotations

from django.urls import URLPattern, path

from pingyi.registry import views

app_name = "registry"

S = "staff/registry/<slug:code>/"

urlpatterns: list[URLPattern] = [
    path("staff/registry/", views.home, name="home"),
    path("staff/registry/new", views.cleanup_new, name="cleanup-new"),
    path(S, views.cleanup_detail, name="cleanup"),
    path(f"{S}advance", views.cleanup_advance, name="advance"),
    path(f"{S}units", views.unit_new, name="unit-new"),
    path(f"{S}members", views.member_new, name="member-new"),
    path(f"{S}register", views.project_new, name="project-new"),
    path(f"{S}import", views.project_import, name="import"),
    path(f"{S}registration-form.xlsx", views.form_template, name="form-template"),
    path(f"{S}u/<slug:unit>/self-check.xlsx", views.stats_template, name="stats-template"),
    path(f"{S}statistics.xlsx", views.statistics_download, name="statistics"),
    path(f"{S}p/<int:pk>/", views.project_detail, name="project"),
    path(f"{S}p/<int:pk>/decide", views.project_decide, name="decide"),
    path("registry/", views.kept_index, name="kept-index"),
    path("registry/<slug:code>/", views.kept_list, name="kept"),
]
