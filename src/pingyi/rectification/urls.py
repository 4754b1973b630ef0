"""The rectification pages, named `rectification:<name>`; access matrix in tests/rectification/."""

from __future__ import annotations

from django.urls import path

from pingyi.rectification import draft_views, history_views, lookback_views, views

app_name = "rectification"

urlpatterns = [
    path("staff/ledger/", views.home, name="home"),
    path("staff/ledger/ledger.xlsx", views.ledger_xlsx, name="export"),
    path("staff/ledger/import", views.ledger_upload, name="import"),
    path("staff/ledger/plans/<int:pk>/", views.plan_detail, name="plan"),
    path("staff/ledger/plans/<int:pk>/items", views.item_new, name="item-new"),
    path("staff/ledger/plans/<int:pk>/leaders", views.leaders, name="leaders"),
    path("staff/ledger/plans/<int:pk>/people", views.people, name="people"),
    path("staff/ledger/plans/<int:pk>/people", views.people, name="people"),
    path("staff/ledger/plans/<int:pk>/accept", views.accept, name="accept"),
    path("staff/ledger/plans/<int:pk>/survey", views.survey, name="survey"),
    path("staff/ledger/plans/<int:pk>/lookback", views.lookback, name="lookback"),
    path("staff/ledger/plans/<int:pk>/prefill", draft_views.prefill, name="prefill"),
    path("staff/ledger/items/<int:pk>/draft", draft_views.draft, name="draft"),
    path("staff/ledger/items/<int:pk>/discard", draft_views.discard, name="discard"),
    path("staff/ledger/items/<int:pk>/progress", views.progress, name="progress"),
    path("staff/ledger/items/<int:pk>/close-out", views.close_out, name="close-out"),
    path("staff/ledger/evidence/<int:pk>", views.evidence_file, name="evidence"),
    path("staff/history/<int:series>/<str:unit>/", history_views.unit_page, name="history"),
    path(
        "staff/ledger/lookback/<slug:code>/",
        lookback_views.lookback_grading,
        name="lookback-grading",
    ),
    path(
        "staff/history/grading/<slug:office>/<str:unit>/",
        lookback_views.org_history,
        name="org-history",
    ),
    path(
        "staff/history/<int:series>/<str:unit>/letter-<int:year>.pdf",
        history_views.letter,
        name="letter",
    ),
]
