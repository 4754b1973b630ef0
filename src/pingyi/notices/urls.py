"""The notices pages, named `notices:<name>`; access matrix in tests/notices/."""

from __future__ import annotations

from django.urls import path

from pingyi.notices import staff_views, views

app_name = "notices"

urlpatterns = [
    # public, no login
    path("notice/", views.notice_index, name="index"),
    path("notice/track", views.objection_track, name="track"),
    path("notice/<slug:code>/", views.notice_page, name="notice"),
    path("notice/<slug:code>/objection", views.objection_new, name="objection"),
    path("notice/<slug:code>/receipts.txt", views.receipts_list, name="receipts"),
    path("notice/<slug:code>/notice.pdf", views.notice_pdf, name="pdf"),
    # the organizing office
    path("staff/notices/", staff_views.home, name="home"),
    path("staff/notices/publish/<slug:campaign>", staff_views.publish, name="publish"),
    path(
        "staff/notices/publish-grading/<slug:grading_round>",
        staff_views.publish_grading,
        name="publish-grading",
    ),
    path("staff/notices/<slug:code>/", staff_views.notice_detail, name="staff-notice"),
    path("staff/notices/<slug:code>/finalize", staff_views.finalize, name="finalize"),
    path("staff/notices/<slug:code>/review", staff_views.review, name="review"),
    path("staff/notices/<slug:code>/results.xlsx", staff_views.results_xlsx, name="xlsx"),
    path(
        "staff/notices/<slug:code>/objections/<int:pk>/",
        staff_views.objection_detail,
        name="staff-objection",
    ),
    path(
        "staff/notices/<slug:code>/objections/<int:pk>/assign",
        staff_views.objection_assign_view,
        name="assign",
    ),
    path(
        "staff/notices/<slug:code>/objections/<int:pk>/note",
        staff_views.objection_note_view,
        name="note",
    ),
    path(
        "staff/notices/<slug:code>/objections/<int:pk>/answer",
        staff_views.objection_answer_view,
        name="answer",
    ),
]
