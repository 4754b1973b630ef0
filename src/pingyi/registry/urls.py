"""The registry pages, named `registry:<name>`; access matrix in tests/registry/."""

from __future__ import annotations

from django.urls import URLPattern, path, register_converter

from pingyi.registry import views, views_cleanup


class CodeConverter:
    """A clean-up's or unit's code: letters of any script, digits, - and _ ("省委-01").
    Django's ``slug`` would refuse the Chinese ones; a NUL never matches (R23)."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "code")

app_name = "registry"

S = "staff/registry/<code:code>/"

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
    path(f"{S}u/<code:unit>/self-check.xlsx", views.stats_template, name="stats-template"),
    path(f"{S}statistics.xlsx", views.statistics_download, name="statistics"),
    path(f"{S}p/<int:pk>/", views.project_detail, name="project"),
    path(f"{S}p/<int:pk>/decide", views.project_decide, name="decide"),
    path(f"{S}deadlines", views_cleanup.schedule_set, name="deadlines"),
    path(f"{S}decide", views_cleanup.decide_bulk, name="decide-bulk"),
    path(f"{S}p/<int:pk>/exclude", views_cleanup.project_exclude, name="exclude"),
    path(f"{S}p/<int:pk>/include", views_cleanup.project_include, name="include"),
    path(f"{S}p/<int:pk>/basis", views_cleanup.basis_add, name="basis-add"),
    path(f"{S}p/<int:pk>/basis/<int:doc>/remove", views_cleanup.basis_remove, name="basis-remove"),
    path(f"{S}p/<int:pk>/basis/<int:doc>/file", views_cleanup.basis_file, name="basis-file"),
    path("registry/", views.kept_index, name="kept-index"),
    path("registry/<code:code>/", views.kept_list, name="kept"),
]
