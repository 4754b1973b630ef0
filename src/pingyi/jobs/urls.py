from __future__ import annotations

from django.urls import path

from pingyi.jobs import views

app_name = "jobs"
urlpatterns = [
    path("staff/jobs/", views.job_list, name="list"),
    path("staff/jobs/<uuid:job_id>/", views.job_detail, name="detail"),
    path("staff/jobs/<uuid:job_id>/status", views.job_status, name="status"),
    path("staff/jobs/<uuid:job_id>/download", views.job_download, name="download"),
    path("staff/office/<slug:org>/", views.office_settings, name="office"),
]
