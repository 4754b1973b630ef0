"""The stage pages, named `stages:<name>`; access matrix in tests/stages/."""

from __future__ import annotations

from django.urls import path

from pingyi.stages import views

app_name = "stages"

U = "staff/c/<slug:code>/stages/u/<str:unit>"

urlpatterns = [
    # public, no sign-in: the page the office links from the media (宣传发动)
    path("c/<slug:code>/", views.public_page, name="public"),
    path("c/<slug:code>/pledges/<str:unit>/file", views.public_file, name="public-file"),
    # the office
    path("staff/c/<slug:code>/stages/", views.board, name="board"),
    path("staff/c/<slug:code>/stages/brief", views.brief, name="brief"),
    path("staff/c/<slug:code>/stages/owner", views.owner, name="owner"),
    # a unit: its owner files, the office decides
    path("staff/units/", views.my_units, name="my-units"),
    path(f"{U}/", views.unit_page, name="unit"),
    path(f"{U}/pledge", views.pledge, name="pledge"),
    path(f"{U}/pledge/approve", views.pledge_approve_view, name="pledge-approve"),
    path(f"{U}/pledge/return", views.pledge_return_view, name="pledge-return"),
    path(f"{U}/self-inspection", views.inspection, name="inspection"),
    path(f"{U}/self-inspection/receive", views.inspection_receive_view, name="inspection-receive"),
    path(f"{U}/file/<str:kind>", views.unit_file, name="file"),
]

# 征求意见 and 集中整改 (stages.opinion_views)
from pingyi.stages import opinion_views as ov  # noqa: E402

OP = "staff/c/<slug:code>/opinions"
urlpatterns += [
    path(f"{OP}/", ov.opinions, name="opinions"),
    path(f"{OP}/codes", ov.opinion_codes, name="opinion-codes"),
    path(f"{OP}/import", ov.opinion_import, name="opinion-import"),
    path(f"{OP}/template", ov.opinion_template, name="opinion-template"),
    path(f"{OP}/export", ov.opinion_export, name="opinion-export"),
    path(f"{OP}/close", ov.opinion_close, name="opinion-close"),
    path(f"{OP}/u/<str:unit>/", ov.opinion_unit, name="opinion-unit"),
    path(f"{OP}/u/<str:unit>/<int:pk>/sort", ov.opinion_sort_view, name="opinion-sort"),
    path(f"{OP}/u/<str:unit>/fold", ov.opinion_fold_view, name="opinion-fold"),
    path(f"{OP}/u/<str:unit>/feedback", ov.feedback_view, name="feedback"),
    path(f"{U}/opinions/<int:pk>/answer", ov.opinion_answer_view, name="opinion-answer"),
    path(f"{U}/rectification", ov.rectification_report_view, name="rectification-report"),
    path(f"{U}/rectification/receive", ov.rectification_receive_view, name="rectification-receive"),
]

# 集中整改's satisfaction survey (stages.survey_views)
from pingyi.stages import survey_views as sv  # noqa: E402

urlpatterns += [
    path("staff/c/<slug:code>/stages/survey", sv.survey_start, name="survey-start"),
    path("staff/c/<slug:code>/stages/survey/record", sv.survey_record, name="survey-record"),
]
