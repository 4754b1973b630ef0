"""The grading pages, named `grading:<name>`; access matrix in tests/grading/."""

from __future__ import annotations

from django.urls import URLPattern, path

from pingyi.grading import views, views_records, views_votes, views_work

app_name = "grading"

ROUND = "staff/grading/<slug:code>/"
ORG = ROUND + "o/<str:org>/"
COMMITTEE = ROUND + "k/<int:pk>/"
LIST = ROUND + "p/<slug:campaign>/"

urlpatterns: list[URLPattern] = [
    path("staff/grading/", views.home, name="home"),
    path("staff/grading/new", views.round_new, name="round-new"),
    path(ROUND, views.round_detail, name="round"),
    path(ROUND + "advance", views.round_advance, name="advance"),
    path(ROUND + "import", views.orgs_upload, name="import"),
    path(ROUND + "assessments", views.assessments_upload, name="assessments"),
    path(ROUND + "orgs-template.xlsx", views.orgs_template, name="orgs-template"),
    path(ROUND + "scores-template.xlsx", views.scores_template, name="scores-template"),
    path(ROUND + "roles", views.role_new, name="role-new"),
    path(ROUND + "surveys", views.survey_new, name="survey-new"),
    path(ROUND + "votes", views_votes.vote_new, name="vote-new"),
    path(ROUND + "tolerance", views_votes.tolerance_set, name="tolerance"),
    path(LIST, views_votes.participants, name="participants"),
    path(LIST + "draft", views_votes.participants_draft, name="participants-draft"),
    path(LIST + "approve", views_votes.participants_approve, name="participants-approve"),
    path(LIST + "codes", views_votes.participants_codes, name="participants-codes"),
    path(ROUND + "review", views.review, name="review"),
    path(ROUND + "schedule", views.schedule_set, name="schedule"),
    path(ROUND + "schedule/done", views.schedule_done, name="schedule-done"),
    path(ROUND + "reports.<str:fmt>", views.reports_download, name="reports"),
    path(ROUND + "board.pdf", views_records.board, name="board"),
    path(ORG, views_work.org_detail, name="org"),
    path(ORG + "benefit", views_records.benefit, name="benefit"),
    path(ORG + "reference", views_records.reference, name="reference"),
    path(ORG + "reference/<int:ref>/file", views_records.reference_download, name="reference-file"),
    path(ORG + "self", views_work.self_submit, name="self"),
    path(ORG + "assess", views_work.assess, name="assess"),
    path(ORG + "talk", views_work.talk_add, name="talk"),
    path(ORG + "rate", views_work.rate_enter, name="rate"),
    path(ORG + "rate/decide", views_work.rate_decide, name="rate-decide"),
    path(ORG + "review", views_work.review_record, name="review-record"),
    path(ORG + "members", views_votes.members_set, name="members"),
    path(COMMITTEE, views_work.committee_detail, name="committee"),
    path(COMMITTEE + "change", views_work.grade_change, name="change"),
    path(COMMITTEE + "justify", views_work.justify, name="justify"),
    path(COMMITTEE + "explain", views_work.explain, name="explain"),
    path(COMMITTEE + "follow-up", views_work.follow_up, name="follow-up"),
    path(COMMITTEE + "file", views_work.file, name="file"),
    path(COMMITTEE + "departure", views_votes.departure, name="departure"),
    path(COMMITTEE + "summary", views_records.summary_file, name="summary"),
    path(COMMITTEE + "summary/file", views_records.summary_download, name="summary-file"),
    path(COMMITTEE + "violation", views_records.violation, name="violation"),
    path(COMMITTEE + "board.pdf", views_records.board, name="committee-board"),
]
