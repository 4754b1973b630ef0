"""The nomination pages, named `nominations:<name>`; access matrix in tests/nominations/."""

from __future__ import annotations

from django.urls import URLPattern, path

from pingyi.nominations import views
from pingyi.registry.urls import CodeConverter  # noqa: F401  (registers the "code" converter)

app_name = "nominations"

S = "staff/nominations/<code:code>/"
U = S + "u/<code:unit>/"

urlpatterns: list[URLPattern] = [
    path("staff/nominations/", views.home, name="home"),
    path("staff/nominations/new", views.round_new, name="round-new"),
    path(S, views.round_detail, name="round"),
    path(f"{S}units", views.unit_new, name="unit-new"),
    path(f"{S}members", views.member_new, name="member-new"),
    path(f"{S}deadlines", views.schedule_set, name="deadlines"),
    path(f"{S}notice", views.notice_publish, name="publish"),
    path(f"{S}close", views.round_close, name="close"),
    path(f"{S}nominees.xlsx", views.nominees_download, name="xlsx"),
    path(U, views.slate_detail, name="slate"),
    path(f"{U}nominees", views.nominee_add, name="nominee-add"),
    path(f"{U}nominees/<int:pk>/remove", views.nominee_remove, name="nominee-remove"),
    path(f"{U}template.xlsx", views.nominee_template, name="template"),
    path(f"{U}import", views.nominees_import, name="import"),
    path(f"{U}<str:step>", views.slate_step, name="step"),
    path(f"{S}opinions/<int:pk>/answer", views.opinion_answer, name="answer"),
    path("nominations/", views.notice_index, name="notice-index"),
    path("nominations/track", views.opinion_track, name="track"),
    path("nominations/<code:code>/", views.notice, name="notice"),
]
