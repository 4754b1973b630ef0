"""The disclosure pages, named `disclosure:<name>`; access matrix in tests/disclosure/."""

from __future__ import annotations

from django.urls import URLPattern, path

from pingyi.disclosure import views

app_name = "disclosure"

urlpatterns: list[URLPattern] = [
    path("staff/disclosure/", views.home, name="home"),
    path("staff/disclosure/new", views.item_new, name="item-new"),
    path("staff/disclosure/i/<int:pk>/", views.item_detail, name="item"),
    path("staff/disclosure/i/<int:pk>/advance", views.item_advance, name="advance"),
    path("staff/disclosure/i/<int:pk>/edit", views.item_edit, name="edit"),
    path("staff/disclosure/i/<int:pk>/release", views.item_release, name="release"),
    path("staff/disclosure/i/<int:pk>/next-phase", views.phase_next, name="next-phase"),
    path("staff/disclosure/feedback/<int:pk>/answer", views.feedback_answer, name="answer"),
    path("staff/disclosure/opinions/", views.opinions, name="opinions"),
    path("staff/disclosure/opinions/<int:pk>/answer", views.opinion_answer, name="opinion-answer"),
    path("staff/disclosure/supervisors/", views.supervisors, name="supervisors"),
    path("staff/disclosure/supervisors/new", views.supervisor_new, name="supervisor-new"),
    path("staff/disclosure/remarks/<int:pk>/answer", views.remark_answer, name="remark-answer"),
    path("staff/disclosure/supervise/<slug:org>/", views.supervise, name="supervise"),
    path("disclosure/<slug:org>/", views.public_list, name="public-list"),
    path("disclosure/<slug:org>/track", views.track, name="track"),
    path("disclosure/<slug:org>/opinions", views.opinion_box, name="opinion-box"),
    path("disclosure/<slug:org>/<int:pk>/", views.public_item, name="public-item"),
    path("disclosure/<slug:org>/<int:pk>/v<int:number>", views.public_item, name="public-version"),
    path("disclosure/<slug:org>/<int:pk>/feedback", views.feedback_post, name="feedback"),
]
